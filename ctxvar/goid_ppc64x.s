//go:build gc && (ppc64 || ppc64le)

#include "textflag.h"

// On ppc64 Go code keeps the current g in R30, which the assembler calls g.

// func goidFast() uint64
TEXT ·goidFast(SB), NOSPLIT|NOFRAME, $0-8
	MOVD	·goidOffset(SB), R3
	CMP	R3, $0
	BEQ	disabled
	MOVD	(g)(R3), R3	// R3 = *(g + goidOffset)
	MOVD	R3, ret+0(FP)
	RET
disabled:
	// Tail call: goidPortable's frame (no arguments, one uint64 result) has
	// the same layout as ours, and LR still holds our caller's address.
	BR	·goidPortable(SB)

// func self() (key, id uint64)
TEXT ·self(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	·goidOffset(SB), R3
	CMP	R3, $0
	BEQ	portable
	MOVD	g, key+0(FP)
	MOVD	(g)(R3), R3	// R3 = *(g + goidOffset)
	MOVD	R3, id+8(FP)
	RET
portable:
	// Tail call, as in goidFast: selfPortable's frame has our layout.
	BR	·selfPortable(SB)

// func gWord(gp uint64, off uintptr) uint64
TEXT ·gWord(SB), NOSPLIT|NOFRAME, $0-24
	MOVD	gp+0(FP), R4
	MOVD	off+8(FP), R3
	MOVD	(R4)(R3), R3	// R3 = *(gp + off)
	MOVD	R3, ret+16(FP)
	RET

// func curG() uint64
TEXT ·curG(SB), NOSPLIT|NOFRAME, $0-8
	MOVD	g, ret+0(FP)
	RET

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT|NOFRAME, $0-16
	MOVD	off+0(FP), R3
	MOVD	(g)(R3), R3
	MOVD	R3, ret+8(FP)
	RET
