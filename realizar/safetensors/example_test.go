package safetensors_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"log"

	"github.com/batuta-go/stack/realizar/safetensors"
)

func ExampleParse() {
	header := `{"__metadata__":{"format":"pt"},"lm_head.weight":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}}`
	var file bytes.Buffer
	binary.Write(&file, binary.LittleEndian, uint64(len(header)))
	file.WriteString(header)
	file.Write(make([]byte, 12))

	f, err := safetensors.Parse(bytes.NewReader(file.Bytes()), int64(file.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range f.Tensors {
		typ, _ := t.DType.GGUF()
		fmt.Println(t.Name, t.DType, t.Shape, t.Size, "bytes at", t.Offset, "as GGUF", typ)
	}
	fmt.Println(f.Metadata["format"])
	// Output:
	// lm_head.weight BF16 [2 3] 12 bytes at 110 as GGUF BF16
	// pt
}
