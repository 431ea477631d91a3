package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/batuta-go/stack/pacha/store"
)

// Ranges written and reported in random order, from several goroutines,
// hash to what the whole content hashes to.
func TestIncomingOutOfOrder(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	for _, size := range []int64{1, 4095, 1 << 20, 3<<20 + 17} {
		data := make([]byte, size)
		r := rand.New(rand.NewPCG(uint64(size), 1))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		sum := sha256.Sum256(data)
		var ranges [][2]int64
		for off := int64(0); off < size; {
			n := min(size-off, 1+r.Int64N(300000))
			ranges = append(ranges, [2]int64{off, n})
			off += n
		}
		r.Shuffle(len(ranges), func(i, j int) { ranges[i], ranges[j] = ranges[j], ranges[i] })

		for _, badSHA := range []bool{false, true} {
			f, _ := s.CreateTemp("in-*")
			f.Truncate(size)
			in := s.NewIncoming(f, size, true)
			var wg sync.WaitGroup
			for w := range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < len(ranges); i += 3 {
						off, n := ranges[i][0], ranges[i][1]
						f.WriteAt(data[off:off+n], off)
						in.Done(off, n)
					}
				}()
			}
			wg.Wait()
			want := store.Expect{SHA256: hex.EncodeToString(sum[:]), Size: size, SizeKnown: true}
			if badSHA {
				want.SHA256 = hex.EncodeToString(make([]byte, 32))
			}
			d, n, err := in.Commit(ctx, want)
			if badSHA {
				var mm *store.MismatchError
				if !errors.As(err, &mm) || s.HasBlob(d) {
					t.Errorf("size %d: wrong sha256 accepted: %v", size, err)
				}
				if _, err := os.Stat(f.Name()); err == nil {
					t.Errorf("rejected file left behind")
				}
				continue
			}
			ref, _, _ := s.PutBlob(ctx, bytesReader(data))
			if err != nil || n != size || d != ref {
				t.Errorf("size %d: %s %d %v; whole content hashes to %s", size, d, n, err, ref)
			}
		}
	}
	// Committing before every byte arrived is refused.
	f, _ := s.CreateTemp("in-*")
	in := s.NewIncoming(f, 10, false)
	in.Done(0, 5)
	if _, _, err := in.Commit(ctx, store.Expect{}); err == nil {
		t.Error("incomplete commit accepted")
	}
}

type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func bytesReader(b []byte) *sliceReader { return &sliceReader{b} }
