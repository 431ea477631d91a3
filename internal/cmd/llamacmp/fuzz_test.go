package main

import (
	"os"
	"testing"
)

// FuzzParseLlamaBench: any llama-bench output is either rejected or gives
// exactly the samples the spec asked for.
func FuzzParseLlamaBench(f *testing.F) {
	seed, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`[{"n_prompt":128,"n_gen":0,"n_threads":1,"samples_ts":[1,2]},{"n_prompt":0,"n_gen":64,"n_threads":1,"samples_ts":[3,4]}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, out []byte) {
		s := fixtureSpec()
		res, err := parseLlamaBench(out, s)
		if err != nil {
			return
		}
		if len(res.PP) != s.Reps || len(res.TG) != s.Reps {
			t.Fatalf("accepted %d+%d samples for %d repetitions", len(res.PP), len(res.TG), s.Reps)
		}
	})
}
