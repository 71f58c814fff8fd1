//go:build gc

#include "textflag.h"

// On loong64 Go code keeps the current g in R22, which the assembler calls g.

// func goidFast() uint64
TEXT ·goidFast(SB), NOSPLIT|NOFRAME, $0-8
	MOVV	·goidOffset(SB), R4
	BEQ	R4, disabled
	ADDV	R4, g, R5
	MOVV	(R5), R4	// R4 = *(g + goidOffset)
	MOVV	R4, ret+0(FP)
	RET
disabled:
	// Tail call: goidPortable's frame (no arguments, one uint64 result) has
	// the same layout as ours, and R1 still holds our caller's address.
	JMP	·goidPortable(SB)

// func self() (key, id uint64)
TEXT ·self(SB), NOSPLIT|NOFRAME, $0-16
	MOVV	·goidOffset(SB), R4
	BEQ	R4, portable
	MOVV	g, key+0(FP)
	ADDV	R4, g, R5
	MOVV	(R5), R4	// R4 = *(g + goidOffset)
	MOVV	R4, id+8(FP)
	RET
portable:
	// Tail call, as in goidFast: selfPortable's frame has our layout.
	JMP	·selfPortable(SB)

// func gWord(gp uint64, off uintptr) uint64
TEXT ·gWord(SB), NOSPLIT|NOFRAME, $0-24
	MOVV	gp+0(FP), R5
	MOVV	off+8(FP), R4
	ADDV	R4, R5, R5
	MOVV	(R5), R4	// R4 = *(gp + off)
	MOVV	R4, ret+16(FP)
	RET

// func curG() uint64
TEXT ·curG(SB), NOSPLIT|NOFRAME, $0-8
	MOVV	g, ret+0(FP)
	RET

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT|NOFRAME, $0-16
	MOVV	off+0(FP), R4
	ADDV	R4, g, R5
	MOVV	(R5), R4
	MOVV	R4, ret+8(FP)
	RET
