package catalog

import "testing"

// Start-up cost. Default() decodes only the index of the embedded catalog;
// a service is decoded on first use. BenchmarkOpen is what the catalog adds
// to the start of a process that uses it; BenchmarkOpenAndFirstAction adds
// decoding Amazon Connect (the largest service the seeds use);
// BenchmarkDecodeAll decodes all services, the worst case (a "*:List*"
// expansion).

func BenchmarkOpen(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fromBinary(embedded, "embedded"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenAndFirstAction(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := fromBinary(embedded, "embedded")
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := c.Action("connect:CreateUser"); !ok {
			b.Fatal("connect:CreateUser not found")
		}
	}
}

func BenchmarkDecodeAll(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := fromBinary(embedded, "embedded")
		if err != nil {
			b.Fatal(err)
		}
		for range c.Services {
		}
	}
}

func BenchmarkLoadDir(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("testdata/mini"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAction(b *testing.B) {
	c := Default()
	for _, name := range []string{"connect:CreateUser", "CONNECT:createuser"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := c.Action(name); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}

func BenchmarkConditionKey(b *testing.B) {
	c := Default()
	for _, name := range []string{"connect:InstanceId", "aws:SourceIp", "aws:RequestTag/Owner"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := c.ConditionKey(name); !ok {
					b.Fatal("not found")
				}
			}
		})
	}
}

func BenchmarkExpandActions(b *testing.B) {
	c := Default()
	for range c.Services { // decode everything first: measure matching only
	}
	for _, p := range []string{"connect:Describe*", "connect:*User*", "*:List*", "connect:CreateUser"} {
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(c.ExpandActions(p)) == 0 {
					b.Fatal("no match")
				}
			}
		})
	}
}

func BenchmarkClassifyARN(b *testing.B) {
	c := Default()
	for _, arn := range []string{
		"arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-1",
		"arn:aws:connect:us-east-1:111122223333:instance/i-1",
	} {
		b.Run(arn[len("arn:aws:connect:us-east-1:111122223333:"):], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if len(c.ClassifyARN(arn)) == 0 {
					b.Fatal("no match")
				}
			}
		})
	}
}
