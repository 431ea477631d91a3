package main

func writeNEON(c *consts, asmPath, stubsPath string) error { return nil }
