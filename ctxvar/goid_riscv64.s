//go:build gc

#include "textflag.h"

// On riscv64 Go code keeps the current g in X27, which the assembler calls g.

// func goidFast() uint64
TEXT ·goidFast(SB), NOSPLIT|NOFRAME, $0-8
	MOV	·goidOffset(SB), A0
	BEQZ	A0, disabled
	ADD	A0, g, A1
	MOV	(A1), A0	// A0 = *(g + goidOffset)
	MOV	A0, ret+0(FP)
	RET
disabled:
	// Tail call: goidPortable's frame (no arguments, one uint64 result) has
	// the same layout as ours, and RA still holds our caller's address.
	JMP	·goidPortable(SB)

// func self() (key, id uint64)
TEXT ·self(SB), NOSPLIT|NOFRAME, $0-16
	MOV	·goidOffset(SB), A0
	BEQZ	A0, portable
	MOV	g, key+0(FP)
	ADD	A0, g, A1
	MOV	(A1), A0	// A0 = *(g + goidOffset)
	MOV	A0, id+8(FP)
	RET
portable:
	// Tail call, as in goidFast: selfPortable's frame has our layout.
	JMP	·selfPortable(SB)

// func gWord(gp uint64, off uintptr) uint64
TEXT ·gWord(SB), NOSPLIT|NOFRAME, $0-24
	MOV	gp+0(FP), A1
	MOV	off+8(FP), A0
	ADD	A0, A1, A1
	MOV	(A1), A0	// A0 = *(gp + off)
	MOV	A0, ret+16(FP)
	RET

// func curG() uint64
TEXT ·curG(SB), NOSPLIT|NOFRAME, $0-8
	MOV	g, ret+0(FP)
	RET

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT|NOFRAME, $0-16
	MOV	off+0(FP), A0
	ADD	A0, g, A1
	MOV	(A1), A0
	MOV	A0, ret+8(FP)
	RET
