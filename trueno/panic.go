package trueno

import "fmt"

// checkLen2 panics unless x and y have the same length: a length mismatch is
// a programmer error.
func checkLen2(op string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("trueno: %s: length mismatch: %d != %d", op, a, b))
	}
}

// checkLen3 panics unless the three lengths agree.
func checkLen3(op string, a, b, c int) {
	if a != b || a != c {
		panic(fmt.Sprintf("trueno: %s: length mismatch: %d, %d, %d", op, a, b, c))
	}
}
