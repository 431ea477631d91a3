//go:build !amd64 || !gc || purego

package b3

var haveAVX512 = false

func compress16(p *params) { panic("b3: no 16-lane kernel on this platform") }
