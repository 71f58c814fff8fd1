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

// func readGWord(off uintptr) uint64
TEXT ·readGWord(SB), NOSPLIT, $0-16
	MOVQ	off+0(FP), AX
	MOVQ	TLS, CX
	MOVQ	0(CX)(TLS*1), CX	// CX = g
	MOVQ	(CX)(AX*1), AX
	MOVQ	AX, ret+8(FP)
	RET
