/* CSR numbers and bit fields of the RISC-V privileged spec 1.12 (RV64). */
#ifndef VM_RISCV_CSR_DEFS_H
#define VM_RISCV_CSR_DEFS_H

/* Unprivileged */
#define CSR_FFLAGS 0x001
#define CSR_FRM 0x002
#define CSR_FCSR 0x003
#define CSR_SEED 0x015 /* Zkr */
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_HPMCOUNTER3 0xc03
#define CSR_HPMCOUNTER31 0xc1f

/* Supervisor */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SCOUNTOVF 0xda0 /* Sscofpmf */
#define CSR_SATP 0x180

/* Machine */
#define CSR_MVENDORID 0xf11
#define CSR_MARCHID 0xf12
#define CSR_MIMPID 0xf13
#define CSR_MHARTID 0xf14
#define CSR_MCONFIGPTR 0xf15
#define CSR_MSTATUS 0x300
#define CSR_MISA 0x301
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG 0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_MHPMEVENT3 0x323
#define CSR_MHPMEVENT31 0x33f
#define CSR_MSCRATCH 0x340
#define CSR_MSECCFG 0x747
#define CSR_TSELECT 0x7a0 /* Sdtrig */
#define CSR_TDATA1 0x7a1
#define CSR_TDATA2 0x7a2
#define CSR_TDATA3 0x7a3
#define CSR_TINFO 0x7a4
#define CSR_MEPC 0x341
#define CSR_MCAUSE 0x342
#define CSR_MTVAL 0x343
#define CSR_MIP 0x344
#define CSR_PMPCFG0 0x3a0
#define CSR_PMPCFG15 0x3af
#define CSR_PMPADDR0 0x3b0
#define CSR_PMPADDR63 0x3ef
#define CSR_MCYCLE 0xb00
#define CSR_MINSTRET 0xb02
#define CSR_MHPMCOUNTER3 0xb03
#define CSR_MHPMCOUNTER31 0xb1f

/* mstatus / sstatus */
#define MSTATUS_SIE (1ULL << 1)
#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP (1ULL << 8)
#define MSTATUS_VS (3ULL << 9)
#define MSTATUS_MPP (3ULL << 11)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS (3ULL << 13)
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_FS_DIRTY (3ULL << 13)
#define MSTATUS_XS (3ULL << 15)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM (1ULL << 18)
#define MSTATUS_MXR (1ULL << 19)
#define MSTATUS_TVM (1ULL << 20)
#define MSTATUS_TW (1ULL << 21)
#define MSTATUS_TSR (1ULL << 22)
#define MSTATUS_UXL (3ULL << 32)
#define MSTATUS_SXL (3ULL << 34)
#define MSTATUS_SD (1ULL << 63)
#define MSTATUS_XL_64 2ULL /* UXL/SXL value for 64-bit */

/* Fields software may write (everything else is read-only or derived). */
#define MSTATUS_WRITABLE                                                                  \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | \
     MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |    \
     MSTATUS_TSR)
#define SSTATUS_VISIBLE                                                                    \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS |    \
     MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)

/* Interrupt numbers and mip/mie bits */
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11
#define IRQ_LCOFI 13 /* Sscofpmf: local counter overflow */
#define MIP_SSIP (1ULL << IRQ_SSI)
#define MIP_MSIP (1ULL << IRQ_MSI)
#define MIP_STIP (1ULL << IRQ_STI)
#define MIP_MTIP (1ULL << IRQ_MTI)
#define MIP_SEIP (1ULL << IRQ_SEI)
#define MIP_MEIP (1ULL << IRQ_MEI)
#define MIP_LCOFIP (1ULL << IRQ_LCOFI)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* Exception causes (interrupts have bit 63 set in xcause) */
#define CAUSE_FETCH_MISALIGNED 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_LOAD_MISALIGNED 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_MISALIGNED 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PAGE 12
#define CAUSE_LOAD_PAGE 13
#define CAUSE_STORE_PAGE 15
#define CAUSE_INTERRUPT (1ULL << 63)
/* medeleg bits that may be set: not ECALL from M (11) nor reserved ones */
#define MEDELEG_WRITABLE 0xb3ffULL

/* menvcfg / senvcfg (senvcfg has FIOM and the CBO fields) */
#define MENVCFG_FIOM (1ULL << 0)
#define MENVCFG_CBIE_SHIFT 4 /* Zicbom: 00 illegal, 01 flush, 11 invalidate; 10 reserved */
#define MENVCFG_CBIE (3ULL << MENVCFG_CBIE_SHIFT)
#define MENVCFG_CBCFE (1ULL << 6) /* Zicbom: cbo.clean/flush below M */
#define MENVCFG_CBZE (1ULL << 7)  /* Zicboz: cbo.zero below M */
#define MENVCFG_ADUE (1ULL << 61) /* Svadu: hardware A/D updates */
#define MENVCFG_PBMTE (1ULL << 62) /* Svpbmt */
#define MENVCFG_STCE (1ULL << 63)

/* mseccfg (Zkr's bits; Smepmp's MML/MMWP/RLB are not implemented) */
#define MSECCFG_USEED (1ULL << 8)
#define MSECCFG_SSEED (1ULL << 9)

/* misa: RV64 (MXL=2) with A, C, D, F, I, M, S, U */
#define MISA_EXT(c) (1ULL << ((c) - 'A'))
#define MISA_VALUE                                                                         \
    ((2ULL << 62) | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('D') | MISA_EXT('F') |        \
     MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('S') | MISA_EXT('U'))

/* satp */
#define SATP_MODE_SHIFT 60
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffULL
#define SATP_PPN_MASK ((1ULL << 44) - 1)

#endif
