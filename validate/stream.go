package validate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// A FindingWriter writes the findings of many files as each file is
// validated, so that memory stays flat in the number of files: nothing of
// a file is kept once its findings are written, except what the output
// format needs at its end (SARIF's rule list, one entry per issue code).
type FindingWriter interface {
	// Write writes the findings of one file. src is the file's text, which
	// the text format quotes; it is not kept.
	Write(file string, src []byte, findings []Finding) error
	// Close writes the end of the output and flushes it.
	Close() error
}

// NewTextWriter returns a FindingWriter of WriteText's format.
func NewTextWriter(w io.Writer) FindingWriter {
	return &textWriter{w: bufio.NewWriter(w)}
}

type textWriter struct{ w *bufio.Writer }

func (t *textWriter) Write(file string, src []byte, findings []Finding) error {
	for i := range findings {
		findings[i].File = file
	}
	return WriteText(t.w, findings, map[string][]byte{file: src})
}

func (t *textWriter) Close() error { return t.w.Flush() }

// NewJSONWriter returns a FindingWriter of WriteJSON's format:
// {"findings": [...]}, written finding by finding.
func NewJSONWriter(w io.Writer) FindingWriter {
	return &jsonWriter{w: bufio.NewWriter(w)}
}

type jsonWriter struct {
	w     *bufio.Writer
	n     int
	buf   bytes.Buffer
	begun bool
}

func (j *jsonWriter) Write(file string, _ []byte, findings []Finding) error {
	if !j.begun {
		j.begun = true
		j.w.WriteString("{\n  \"findings\": [")
	}
	enc := json.NewEncoder(&j.buf)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	for i := range findings {
		findings[i].File = file
		j.buf.Reset()
		if err := enc.Encode(&findings[i]); err != nil {
			return err
		}
		if j.n > 0 {
			j.w.WriteByte(',')
		}
		j.w.WriteString("\n    ")
		j.w.Write(bytes.TrimRight(j.buf.Bytes(), "\n"))
		j.n++
	}
	return nil
}

func (j *jsonWriter) Close() error {
	if !j.begun {
		j.w.WriteString("{\n  \"findings\": [")
	}
	if j.n > 0 {
		j.w.WriteString("\n  ")
	}
	j.w.WriteString("]\n}\n")
	return j.w.Flush()
}

// NewSARIFWriter returns a FindingWriter of WriteSARIF's log, written
// result by result; the run's tool, with the rules found, comes after its
// results.
func NewSARIFWriter(w io.Writer, toolVersion string) FindingWriter {
	return &sarifWriter{w: bufio.NewWriter(w), version: toolVersion, ruleIndex: map[string]int{}}
}

type sarifWriter struct {
	w         *bufio.Writer
	version   string
	ruleIndex map[string]int
	rules     []sarifRule
	n         int
	buf       bytes.Buffer
	begun     bool
}

func (s *sarifWriter) begin() {
	if !s.begun {
		s.begun = true
		s.w.WriteString(`{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "columnKind": "unicodeCodePoints",
      "results": [`)
	}
}

func (s *sarifWriter) Write(file string, _ []byte, findings []Finding) error {
	s.begin()
	enc := json.NewEncoder(&s.buf)
	enc.SetIndent("        ", "  ")
	enc.SetEscapeHTML(false)
	for i := range findings {
		f := &findings[i]
		f.File = file
		idx, ok := s.ruleIndex[f.IssueCode]
		if !ok {
			idx = len(s.rules)
			s.ruleIndex[f.IssueCode] = idx
			s.rules = append(s.rules, sarifRuleFor(f))
		}
		s.buf.Reset()
		if err := enc.Encode(sarifResultFor(f, idx)); err != nil {
			return err
		}
		if s.n > 0 {
			s.w.WriteByte(',')
		}
		s.w.WriteString("\n        ")
		s.w.Write(bytes.TrimRight(s.buf.Bytes(), "\n"))
		s.n++
	}
	return nil
}

func (s *sarifWriter) Close() error {
	s.begin()
	if s.n > 0 {
		s.w.WriteString("\n      ")
	}
	s.w.WriteString("],\n      \"tool\": ")
	rules := s.rules
	if rules == nil {
		rules = []sarifRule{}
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetIndent("      ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifTool{Driver: sarifDriver{
		Name:           "connect-iam",
		InformationURI: "https://github.com/connect-iam/connect-iam",
		Version:        s.version,
		Rules:          rules,
	}}); err != nil {
		return err
	}
	s.w.Write(bytes.TrimRight(s.buf.Bytes(), "\n"))
	s.w.WriteString("\n    }\n  ]\n}\n")
	return s.w.Flush()
}
