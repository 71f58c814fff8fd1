//go:build gc

#include "textflag.h"

// The current g is at 0(TLS). This is the get_tls(r)/g(r) pattern of the
// runtime's private go_tls.h, written out; the assembler and linker turn it
// into the right thread-local access for each OS and build mode.

// func goidFast() uint64
TEXT ·goidFast(SB), NOSPLIT, $0-8
	MOVQ	·goidOffset(SB), AX
	TESTQ	AX, AX
	JZ	disabled
	MOVQ	TLS, CX
	MOVQ	0(CX)(TLS*1), CX	// CX = g
	MOVQ	(CX)(AX*1), AX	// AX = *(g + goidOffset)
	MOVQ	AX, ret+0(FP)
	RET
disabled:
	// Tail call: goidPortable's frame (no arguments, one uint64 result) has
	// the same layout as ours, so it returns straight to our caller.
	JMP	·goidPortable(SB)

// func self() (key, id uint64)
TEXT ·self(SB), NOSPLIT, $0-16
	MOVQ	·goidOffset(SB), AX
	TESTQ	AX, AX
	JZ	portable
	MOVQ	TLS, CX
	MOVQ	0(CX)(TLS*1), CX	// CX = g
	MOVQ	CX, key+0(FP)
	MOVQ	(CX)(AX*1), AX	// AX = *(g + goidOffset)
	MOVQ	AX, id+8(FP)
	RET
portable:
	// Tail call, as in goidFast: selfPortable's frame has our layout.
	JMP	·selfPortable(SB)

// func gWord(gp uint64, off uintptr) uint64
TEXT ·gWord(SB), NOSPLIT, $0-24
	MOVQ	gp+0(FP), CX
	MOVQ	off+8(FP), AX
	MOVQ	(CX)(AX*1), AX	// AX = *(gp + off)
	MOVQ	AX, ret+16(FP)
	RET

// func curG() uint64
TEXT ·curG(SB), NOSPLIT, $0-8
	MOVQ	TLS, CX
	MOVQ	0(CX)(TLS*1), CX	// CX = g
	MOVQ	CX, ret+0(FP)
	RET

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT, $0-16
	MOVQ	off+0(FP), AX
	MOVQ	TLS, CX
	MOVQ	0(CX)(TLS*1), CX	// CX = g
	MOVQ	(CX)(AX*1), AX
	MOVQ	AX, ret+8(FP)
	RET
