// vyre-flink megakernel protocol, as the CUDA kernel sees it. GENERATED from the Java descriptors by
// io.vyre.runtime.backend.cuda.KernelContract: do not edit; VyreProtocolHeaderTest regenerates it.
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
#define SEAL_BASIS 0x811C9DC5u
#define SEAL_PRIME 0x01000193u

// ---- control block (ControlBlockDescriptor) ----
#define C_SHUTDOWN 0
#define C_DONE_COUNT 1
#define C_TENANT_BASE 2
#define C_TENANT_QUOTA_BASE 32
#define C_TENANT_FAIRNESS_BASE 64
#define C_TENANT_FAIRNESS_SLOTS 32
#define C_METRICS_BASE 96
#define C_METRICS_SLOTS 32
#define C_EPOCH 128
#define C_HEARTBEAT 135
#define C_DOORBELL 136
#define C_KERNEL_STATE 137
#define C_FAULT_CODE 138
#define C_FAILED_COUNT 139
#define C_WORKERS 140
#define C_CONTROL_GENERATION 141
#define C_OBSERVABLE_BASE 256
#define C_OBSERVABLE_WORDS 64
#define C_CONTROL_WORDS 320
#define TENANT_COUNT 30
#define STATE_RUNNING 1
#define STATE_EXITED 2
#define STATE_FAULTED 3

// ---- IO queue (IoQueueDescriptor, IoError) ----
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
#define IO_STATUS_OK 0x00000010u
#define IO_STATUS_ERROR 0x00000011u
#define IOERR_UNKNOWN_SOURCE_HANDLE 1
#define IOERR_UNKNOWN_DESTINATION_HANDLE 2
#define IOERR_NO_READ_RIGHT 3
#define IOERR_NO_WRITE_RIGHT 4
#define IOERR_OUT_OF_BOUNDS 5
#define IOERR_SHORT_READ 6
#define IOERR_IO_FAILURE 7
#define IOERR_BAD_REQUEST 8
#define IOERR_SHUTDOWN 9
#define IO_FREE 0
#define IO_BUSY 1
#define IO_ABANDONED 2

// ---- output regions (OutputRegionDescriptor) ----
#define OUT_HEADER_WORDS 8
#define OUT_CURSOR 0
#define OUT_CURSOR_GENERATION 1
#define OUT_CAPACITY 2
#define OUT_GENERATION 3
#define MATCH_ENTRY_WORDS 2
#define RECORD_ENTRY_WORDS 3

// ---- VIR0 (Opcode, Vir0Codec, StandardPrograms); metric index = Opcode.metricIndex() ----
#define OP_WORDS 8
#define OP_NOP 0x00000000u
#define OP_STORE_U32 0x00000001u
#define OP_ATOMIC_ADD 0x00000002u
#define OP_LOAD_U32 0x00000003u
#define OP_COMPARE_SWAP 0x00000004u
#define OP_MEMCPY 0x00000005u
#define OP_DFA_STEP 0x00000006u
#define OP_BATCH_FENCE 0x00000007u
#define OP_CALL 0x00000008u
#define OP_INPUT 0x00000010u
#define OP_FRAME_DELIM 0x00000011u
#define OP_FRAME_FIXED 0x00000012u
#define OP_MATCH 0x00000013u
#define OP_FILTER 0x00000014u
#define OP_PROJECT 0x00000015u
#define OP_REDACT 0x00000016u
#define OP_HASH 0x00000017u
#define OP_COUNT 0x00000018u
#define OP_EMIT_MATCHES 0x00000019u
#define OP_EMIT_RECORDS 0x0000001Au
#define OP_WRITE_BACK 0x0000FFFCu
#define OP_LOAD_MISS 0x0000FFFDu
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

// ---- expression VM (ExprOp, Expr) ----
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
#define E_BAD_COMPLETION 15

// ---- device tables (DeviceTables): u64 words per entry, entries per table ----
// buffers, by capability handle: [host-mapped pointer, capacity, valid, device mirror pointer]
#define BUF_WORDS 4
#define BUFFERS 4096
// outputs, by output handle: [host-mapped pointer, capacity words, valid, 0]
#define OUTE_WORDS 4
#define OUTPUTS 1024
// constants, by global handle: [kind | valid << 8, a, b, c, d, e, f, g]
//   patterns: a = classOf, b = next, c = outStart, d = outPatterns, e = patternLength,
//             f = stateCount | classCount << 32, g = maxPatternLength
//   expr:     a = code (u32 words), b = instruction count, c = literal table ([offset, length] u32
//             pairs), d = literal bytes, e = literal count
#define CONST_WORDS 8
#define CONSTANTS 16384
#define KIND_PATTERNS 1
#define KIND_BYTES 2
#define KIND_EXPR 3
// programs, by program handle: [ops (u32 words, OP_WORDS per op), op count, constant base, valid]
#define PROG_WORDS 4
#define PROGRAMS 1024

// ---- kernel arguments (KernelArg): one array of u64 in device memory ----
#define A_RING 0
#define A_RING_CAPACITY 1
#define A_CONTROL 2
#define A_IO_QUEUE 3
#define A_IO_SLOTS 4
#define A_IO_PARTITIONS 5
#define A_BUFFER_TABLE 6
#define A_OUTPUT_TABLE 7
#define A_CONSTANT_TABLE 8
#define A_PROGRAM_TABLE 9
#define A_DEVICE_CONTROL 10
#define A_CONTROL_DIRTY 11
#define A_COUNTERS 12
#define A_SLOT_RECORDS 13
#define A_READY_QUEUES 14
#define A_COMPLETIONS 15
#define A_IO_OWNERS 16
#define A_IO_POSTED 17
#define A_IO_DONE 18
#define A_STAGE_ISSUED 19
#define A_STAGE_LANDED 20
#define A_STAGE_CONSUMED 21
#define A_OUTPUT_CURSORS 22
#define A_OUTPUT_DIRTY 23
#define A_RECORDS 24
#define A_MAX_RECORDS 25
#define A_MATCHES 26
#define A_MAX_MATCHES 27
#define A_JOBS 28
#define A_JOB_BOARD 29
#define A_IO_WAIT_NANOS 30
#define A_COUNT 31

// ---- device counters (DeviceCounter): word offsets within A_COUNTERS, one 128-byte line each ----
#define DC_STOP 0
#define DC_EXITED 32
#define DC_COMPLETION_TAIL 64
#define DC_IO_PROBE 96
#define DC_ACTIVE_JOBS 128
#define DC_READY_HEAD 160
#define DC_READY_TAIL 352
#define DC_LINE_WORDS 32
#define DC_WORDS 544

// ---- the kernel's own records and launch shape (CudaBackend sizes them; the kernel static_asserts) ----
#define BLOCK_THREADS 512
#define SLOT_RECORD_WORDS 32
#define JOB_BYTES 128
#define MATCH_TILE_BYTES 1048576
#define MATCH_SMALL_INPUT_BYTES 4194304
#define MATCH_SMALL_TILE_BYTES 262144
#define MATCH_STREAMS_PER_THREAD 4
#define MIRROR_PADDING 256
