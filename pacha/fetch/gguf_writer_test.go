package fetch_test

import (
	"bytes"
	"encoding/binary"
)

type ggufWriter struct{ bytes.Buffer }

func (b *ggufWriter) u32(v uint32) { binary.Write(b, binary.LittleEndian, v) }
func (b *ggufWriter) u64(v uint64) { binary.Write(b, binary.LittleEndian, v) }
func (b *ggufWriter) str(s string) { b.u64(uint64(len(s))); b.WriteString(s) }
