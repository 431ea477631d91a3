package b3_test

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/batuta-go/stack/pacha/internal/b3"
)

func Example() {
	h := b3.New()
	io.Copy(h, strings.NewReader("hello, world"))
	fmt.Printf("%x\n", h.Sum(nil))

	_, sum, _ := b3.SumReaderConcurrent(strings.NewReader("hello, world"), runtime.GOMAXPROCS(0))
	fmt.Printf("%x\n", sum)
	// The same digest as: printf 'hello, world' | b3sum
	// Output:
	// a1a55887535397bf461902491c8779188a5dd1f8c3951b3d9cf6ecba194e87b0
	// a1a55887535397bf461902491c8779188a5dd1f8c3951b3d9cf6ecba194e87b0
}
