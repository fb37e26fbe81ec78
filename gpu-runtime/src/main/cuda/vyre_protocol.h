// vyre-flink megakernel protocol, as the CUDA kernel sees it.
// Every value here mirrors a Java constant (protocol.*Descriptor, bytecode.Opcode, protocol.SlotError,
// protocol.IoError); CudaProtocolHeaderTest fails the build when the two drift apart.
#pragma once

// ---- work ring (WorkRingDescriptor) ----
#define RING_SLOT_WORDS 16
#define RING_ARG_COUNT 8
#define W_STATUS 0
#define W_OPCODE 1
#define W_TENANT 2
#define W_PRIORITY 3
#define W_ARG0 4
#define W_SEQUENCE 12
#define W_RESULT 13
#define W_ERROR 14
#define W_DETAIL 15
#define S_EMPTY 0
#define S_PUBLISHED 1
#define S_CLAIMED 2
#define S_DONE 3
#define PRIORITY_LEVELS 6

// ---- control block (ControlBlockDescriptor) ----
#define C_SHUTDOWN 0
#define C_DONE_COUNT 1
#define C_TENANT_BASE 2
#define C_TENANT_QUOTA_BASE 32
#define C_TENANT_FAIRNESS_BASE 64
#define C_METRICS_BASE 96
#define C_METRICS_SLOTS 32
#define C_EPOCH 128
#define C_HEARTBEAT 135
#define C_DOORBELL 136
#define C_KERNEL_STATE 137
#define C_FAULT_CODE 138
#define C_FAILED_COUNT 139
#define C_WORKERS 140
#define C_OBSERVABLE_BASE 256
#define C_OBSERVABLE_WORDS 64
#define C_CONTROL_WORDS 320
#define TENANT_COUNT 30
#define STATE_RUNNING 1
#define STATE_EXITED 2

// ---- IO queue (IoQueueDescriptor) ----
#define IO_SLOT_WORDS 8
#define IO_OP_TYPE 0
#define IO_SRC_HANDLE 1
#define IO_DST_HANDLE 2
#define IO_OFFSET_LO 3
#define IO_OFFSET_HI 4
#define IO_BYTE_COUNT 5
#define IO_STATUS 6
#define IO_TAG 7
#define IO_READ 1
#define IO_WRITE 2
#define IO_FENCE 3
#define IO_STATUS_OK 0x10
#define IO_STATUS_ERROR 0x11
#define IOERR_SHORT_READ 6

// ---- output regions (OutputRegionDescriptor) ----
#define OUT_HEADER_WORDS 8
#define OUT_CURSOR 0
#define OUT_CAPACITY 1

// ---- VIR0 (Opcode, Vir0Codec) ----
#define OP_WORDS 8
#define OP_NOP 0x0000
#define OP_STORE_U32 0x0001
#define OP_ATOMIC_ADD 0x0002
#define OP_LOAD_U32 0x0003
#define OP_COMPARE_SWAP 0x0004
#define OP_MEMCPY 0x0005
#define OP_DFA_STEP 0x0006
#define OP_BATCH_FENCE 0x0007
#define OP_CALL 0x0008
#define OP_INPUT 0x0010
#define OP_FRAME_DELIM 0x0011
#define OP_FRAME_FIXED 0x0012
#define OP_MATCH 0x0013
#define OP_FILTER 0x0014
#define OP_PROJECT 0x0015
#define OP_REDACT 0x0016
#define OP_HASH 0x0017
#define OP_COUNT 0x0018
#define OP_EMIT_MATCHES 0x0019
#define OP_EMIT_RECORDS 0x001A
#define OP_WRITE_BACK 0xFFFC
#define OP_LOAD_MISS 0xFFFD
// metric index = Opcode.ordinal()
#define M_NOP 0
#define M_STORE_U32 1
#define M_ATOMIC_ADD 2
#define M_LOAD_U32 3
#define M_COMPARE_SWAP 4
#define M_MEMCPY 5
#define M_DFA_STEP 6
#define M_BATCH_FENCE 7
#define M_CALL 8
#define M_INPUT 9
#define M_FRAME_DELIM 10
#define M_FRAME_FIXED 11
#define M_MATCH 12
#define M_FILTER 13
#define M_PROJECT 14
#define M_REDACT 15
#define M_HASH 16
#define M_COUNT 17
#define M_EMIT_MATCHES 18
#define M_EMIT_RECORDS 19
#define M_WRITE_BACK 20
#define M_LOAD_MISS 21
#define FLAG_STARTS_INSIDE_RECORD 1
#define FLAG_FINAL 2
#define FLAG_TAIL 4
#define FNV_OFFSET_BASIS 0x811C9DC5u
#define FNV_PRIME 0x01000193u
#define DFA_MATCH_FLAG 0x80000000u
#define DFA_STATE_MASK 0x7FFFFFFFu

// ---- expression VM (ExprOp) ----
#define X_CONST_INT 1
#define X_RECORD 2
#define X_FIELD 3
#define X_LENGTH 4
#define X_CONTAINS 5
#define X_STARTS_WITH 6
#define X_ENDS_WITH 7
#define X_EQUALS 8
#define X_EQ 9
#define X_NE 10
#define X_LT 11
#define X_LE 12
#define X_GT 13
#define X_GE 14
#define X_AND 15
#define X_OR 16
#define X_NOT 17
#define X_RET 18
#define X_REGISTERS 8
#define X_MAX_INSTRUCTIONS 64

// ---- slot errors (SlotError) ----
#define E_NONE 0
#define E_TENANT_DENIED 1
#define E_QUOTA_EXHAUSTED 2
#define E_UNKNOWN_OPCODE 3
#define E_BAD_OPERAND 4
#define E_UNKNOWN_HANDLE 5
#define E_OUT_OF_BOUNDS 6
#define E_IO_ERROR 7
#define E_SHORT_READ 8
#define E_OUTPUT_OVERFLOW 9
#define E_RECORD_INCOMPLETE 10
#define E_TOO_MANY_RECORDS 11
#define E_BAD_STATE 12
#define E_SHUTDOWN 13
#define E_INTERNAL 14

// ---- kernel arguments: one array of u64 in device memory (CudaKernelArgs writes it) ----
#define A_RING 0
#define A_RING_CAPACITY 1
#define A_CONTROL 2
#define A_IO_QUEUE 3
#define A_IO_SLOTS 4
#define A_BUFFERS 5
#define A_BUFFER_COUNT 6
#define A_OUTPUTS 7
#define A_OUTPUT_COUNT 8
#define A_CONSTANTS 9
#define A_CONSTANT_COUNT 10
#define A_PROGRAMS 11
#define A_PROGRAM_COUNT 12
#define A_STATE 13
#define A_SCRATCH 14
#define A_SCRATCH_BYTES 15
#define A_RECORDS 16
#define A_MAX_RECORDS 17
#define A_MATCHES 18
#define A_MAX_MATCHES 19
#define A_IO_WAIT_NANOS 20
#define A_WORDS 24

// ---- device tables, u64 words per entry ----
// buffers (by capability handle): [mapped pointer, capacity, valid]
#define BUF_WORDS 4
// outputs (by output handle): [mapped pointer, capacity words, valid]
#define OUTE_WORDS 4
// constants (by global handle): [kind | valid<<8, a, b, c, d, e, f, g]
//   patterns: a = classOf ptr, b = next ptr, c = outStart ptr, d = outPatterns ptr, e = patternLength ptr,
//             f = stateCount | classCount << 32, g = maxPatternLength
//   expr:     a = code ptr (u32 words), b = instruction count, c = literal table ptr ([offset, length] u32 pairs),
//             d = literal bytes ptr, e = literal count
#define CONST_WORDS 8
#define KIND_PATTERNS 1
#define KIND_BYTES 2
#define KIND_EXPR 3
// programs (by program handle): [ops ptr (u32 words, OP_WORDS per op), op count, constant base, valid]
#define PROG_WORDS 4

// ---- device state block (u32 words), offsets from A_STATE ----
#define D_CONTROL 0                       // C_CONTROL_WORDS: authoritative kernel-owned control words
// each hot counter on a 128-byte line of its own: workers spin on them
#define D_STOP (C_CONTROL_WORDS + 0)      // set by the scheduler when SHUTDOWN is seen
#define D_QUEUE_HEAD (C_CONTROL_WORDS + 32)
#define D_QUEUE_TAIL (C_CONTROL_WORDS + 64)
#define D_COMPL_TAIL (C_CONTROL_WORDS + 96)
#define D_IO_TICKET (C_CONTROL_WORDS + 128)
#define D_SHADOW (C_CONTROL_WORDS + 160)  // C_CONTROL_WORDS: what the host last saw of each kernel-owned word
#define D_HEADER_WORDS (2 * C_CONTROL_WORDS + 160)
// then per ring slot: slot state, queue entry, completion entry, and a RING_SLOT_WORDS copy of the slot
