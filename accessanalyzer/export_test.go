package accessanalyzer

// Occupy takes every validation slot of s, as that many validations in
// progress would, and returns the function that frees them.
func Occupy(s *Service) (release func()) {
	for range cap(s.heavy) {
		s.heavy <- struct{}{}
	}
	return func() {
		for range cap(s.heavy) {
			<-s.heavy
		}
	}
}
