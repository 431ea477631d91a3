package bpe

import (
	"hash/maphash"
	"sync/atomic"
)

// wordCache remembers the ids of recently encoded pre-tokens. It is
// direct-mapped (a word has one slot, a newer word evicts an older one)
// and lock-free: slots are swapped atomically, and an entry is never
// changed once stored, so concurrent readers need no lock.
type wordCache struct {
	seed  maphash.Seed
	slots []atomic.Pointer[cacheEntry]
}

type cacheEntry struct {
	word string
	ids  []int32
}

const (
	cacheSlots   = 1 << 16
	cacheMaxWord = 64 // bytes; longer pre-tokens are rare and not cached
)

func newWordCache() *wordCache {
	return &wordCache{seed: maphash.MakeSeed(), slots: make([]atomic.Pointer[cacheEntry], cacheSlots)}
}

func (c *wordCache) slot(w []byte) *atomic.Pointer[cacheEntry] {
	return &c.slots[maphash.Bytes(c.seed, w)&(cacheSlots-1)]
}

// get returns the ids stored for w (not to be modified).
func (c *wordCache) get(w []byte) ([]int32, bool) {
	if e := c.slot(w).Load(); e != nil && e.word == string(w) {
		return e.ids, true
	}
	return nil, false
}

func (c *wordCache) put(w []byte, ids []int32) {
	c.slot(w).Store(&cacheEntry{word: string(w), ids: ids})
}

// reset empties the cache.
func (c *wordCache) reset() {
	for i := range c.slots {
		c.slots[i].Store(nil)
	}
}
