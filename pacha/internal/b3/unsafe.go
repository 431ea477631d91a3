package b3

import "unsafe"

func unsafePointer(p *[8]uint32) unsafe.Pointer { return unsafe.Pointer(p) }
