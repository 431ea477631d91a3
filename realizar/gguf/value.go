package gguf

import (
	"fmt"
)

// valueType is a GGUF metadata value type id.
type valueType uint32

const (
	typeUint8   valueType = 0
	typeInt8    valueType = 1
	typeUint16  valueType = 2
	typeInt16   valueType = 3
	typeUint32  valueType = 4
	typeInt32   valueType = 5
	typeFloat32 valueType = 6
	typeBool    valueType = 7
	typeString  valueType = 8
	typeArray   valueType = 9
	typeUint64  valueType = 10
	typeInt64   valueType = 11
	typeFloat64 valueType = 12
)

var valueTypeNames = [...]string{
	typeUint8: "uint8", typeInt8: "int8", typeUint16: "uint16", typeInt16: "int16",
	typeUint32: "uint32", typeInt32: "int32", typeFloat32: "float32", typeBool: "bool",
	typeString: "string", typeArray: "array", typeUint64: "uint64", typeInt64: "int64",
	typeFloat64: "float64",
}

func (t valueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("value type %d", uint32(t))
}

// size returns the encoded size of one scalar of type t, or 0 for strings
// and arrays (variable size) and unknown types.
func (t valueType) size() uint64 {
	switch t {
	case typeUint8, typeInt8, typeBool:
		return 1
	case typeUint16, typeInt16:
		return 2
	case typeUint32, typeInt32, typeFloat32:
		return 4
	case typeUint64, typeInt64, typeFloat64:
		return 8
	}
	return 0
}

// minSize is the smallest encoding of one value of type t: a string is at
// least its 8-byte length, an array its 4-byte type and 8-byte count.
func (t valueType) minSize() uint64 {
	switch t {
	case typeString:
		return 8
	case typeArray:
		return 12
	}
	return t.size()
}

// typeOf returns the GGUF type of a Go value as KV.Value holds it; for an
// array, elem is the type of its elements.
func typeOf(v any) (t, elem valueType, ok bool) {
	switch v.(type) {
	case uint8:
		return typeUint8, 0, true
	case int8:
		return typeInt8, 0, true
	case uint16:
		return typeUint16, 0, true
	case int16:
		return typeInt16, 0, true
	case uint32:
		return typeUint32, 0, true
	case int32:
		return typeInt32, 0, true
	case float32:
		return typeFloat32, 0, true
	case bool:
		return typeBool, 0, true
	case string:
		return typeString, 0, true
	case uint64:
		return typeUint64, 0, true
	case int64:
		return typeInt64, 0, true
	case float64:
		return typeFloat64, 0, true
	case []uint8:
		return typeArray, typeUint8, true
	case []int8:
		return typeArray, typeInt8, true
	case []uint16:
		return typeArray, typeUint16, true
	case []int16:
		return typeArray, typeInt16, true
	case []uint32:
		return typeArray, typeUint32, true
	case []int32:
		return typeArray, typeInt32, true
	case []float32:
		return typeArray, typeFloat32, true
	case []bool:
		return typeArray, typeBool, true
	case []string:
		return typeArray, typeString, true
	case []uint64:
		return typeArray, typeUint64, true
	case []int64:
		return typeArray, typeInt64, true
	case []float64:
		return typeArray, typeFloat64, true
	case []any:
		return typeArray, typeArray, true
	}
	return 0, 0, false
}

// typeName describes the Go type of a metadata value for error messages.
func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%T", v)
}
