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

// func self() (key, id uint64)
TEXT ·self(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	·goidOffset(SB), R0
	CBZ	R0, portable
	MOVD	g, key+0(FP)
	MOVD	(g)(R0), R0	// R0 = *(g + goidOffset)
	MOVD	R0, id+8(FP)
	RET
portable:
	// Tail call, as in goidFast: selfPortable's frame has our layout.
	JMP	·selfPortable(SB)

// func gWord(gp uint64, off uintptr) uint64
TEXT ·gWord(SB), NOSPLIT|NOFRAME, $0-24
	MOVD	gp+0(FP), R1
	MOVD	off+8(FP), R0
	MOVD	(R1)(R0), R0	// R0 = *(gp + off)
	MOVD	R0, ret+16(FP)
	RET

// func curG() uint64
TEXT ·curG(SB), NOSPLIT|NOFRAME, $0-8
	MOVD	g, ret+0(FP)
	RET

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	off+0(FP), R0
	MOVD	(g)(R0), R0
	MOVD	R0, ret+8(FP)
	RET
