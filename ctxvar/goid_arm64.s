//go:build gc

#include "textflag.h"

// On arm64 Go code keeps the current g in R28, which the assembler calls g.

// func goidFast() uint64
TEXT ·goidFast(SB), NOSPLIT|NOFRAME, $0-8
	MOVD	·goidOffset(SB), R0
	CBZ	R0, disabled
	MOVD	(g)(R0), R0	// R0 = *(g + goidOffset)
	MOVD	R0, ret+0(FP)
	RET
disabled:
	// Tail call: goidPortable's frame (no arguments, one uint64 result) has
	// the same layout as ours, and LR still holds our caller's address.
	JMP	·goidPortable(SB)

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	off+0(FP), R0
	MOVD	(g)(R0), R0
	MOVD	R0, ret+8(FP)
	RET
