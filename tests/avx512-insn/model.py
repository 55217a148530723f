#!/usr/bin/env python3
"""Reference model of the AVX-512 harness forms of the groups 'move',
'kmask', 'masked', 'int', 'cmp', 'shuf', 'shift', 'fp', 'perm' and
'trunc' (forms_*.py), written from the Intel SDM's operation sections, so
that an emulator's results can be checked on a host without AVX-512.

Given the input state of one case as diff.c --trace prints it (the
vector registers a form names, k0-k7, the GPR slots, RFLAGS, MXCSR and
the bytes of the memory operand), model() computes the expected output
state: vector and mask registers, GPR slots, RFLAGS, MXCSR, the bytes
written to memory, or the exception (#UD, #GP, #PF) the case raises.
What it follows (SDM vol. 2 and section 2.8 on EVEX; for group fp vol. 1
sections 4.8, 4.9, 10.2.3, 11.5 and 14.5):
  * a vector destination is written up to VL (a down-convert's: up to
    its result, see group trunc); bits VL..MAXVL-1 (512) are zeroed, even
    when every element is masked off;
  * merge masking keeps a masked-off element of the destination, zero
    masking ({z}) clears it; VBLENDM*/VPBLENDM* take SRC1's element
    instead (the mask selects, it does not guard the destination);
  * memory fault suppression: a masked-off element is neither read nor
    written, and cannot fault; a broadcast element ({1toN}, VPBROADCAST
    and VBROADCAST from memory) is read when one of the destination
    elements it feeds is active.  Not so in the exception classes
    without fault suppression (E4NF, E5NF, E6NF): the permutes of the
    groups shuf and perm, perm's inserts and extracts, the m128 count of
    group shift and trunc's VMOVSLDUP, VMOVSHDUP and VMOVDDUP access
    their whole memory operand (the {1toN} element) whatever the mask;
  * the aligned moves (VMOVAPS/APD/DQA32/DQA64) raise #GP on a misaligned
    operand whatever the mask (exception class E1);
  * a faulting instruction changes nothing, memory included;
  * K-instructions: results zero-extended to 64 bits (MAX_KL); KSHIFT
    counts above width-1 give 0; KORTEST sets ZF (OR is 0) and CF (OR is
    all ones), KTEST sets ZF (SRC1 AND SRC2 is 0) and CF (SRC2 AND NOT
    SRC1 is 0); both clear OF, SF, AF and PF;
  * group int: elementwise on dwords (D) or qwords (Q), results truncated
    to the element; VPANDN is (NOT SRC1) AND SRC2; VPMINS/VPMAXS compare
    signed, VPMINU/VPMAXU unsigned; VPABS of the most negative value is
    itself (the result is unsigned); VPMULLD keeps the low 32 bits of the
    product; VPMULDQ/VPMULUDQ multiply the low dwords of each qword
    (signed/unsigned) into a qword, and mask and broadcast (m64bcst) per
    qword; none of them changes RFLAGS or MXCSR;
  * group cmp: the destination is a k register; bit j (element j of
    SRC1 and SRC2, dwords or qwords) is the comparison's result where
    element j is active and 0 where a writemask clears it (a k
    destination is always zero-masked), and bits KL..63 (MAX_KL) are 0.
    VPCMPEQ is SRC1 = SRC2, VPCMPGT is SRC1 > SRC2 (signed); VPCMP
    (signed) and VPCMPU (unsigned) take imm8[2:0]: 0 EQ, 1 LT, 2 LE,
    3 FALSE, 4 NEQ, 5 NLT, 6 NLE, 7 TRUE (SRC1 OP SRC2; imm8[7:3] are
    reserved, the forms leave them 0); VPTESTM sets the bit where SRC1
    AND SRC2 is not 0, VPTESTNM where it is 0.  Masked-off elements are
    not read (fault suppression), with FALSE and TRUE too (choice: the
    SDM's operation reads SRC2 for every active element whatever the
    predicate); RFLAGS and MXCSR are unchanged;
  * group shuf: VPSHUFD picks, in each 128-bit lane, dword i from dword
    imm[2i+1:2i] of the same lane; VPUNPCKL/H DQ/QDQ interleave the
    elements of the low (high) half of each lane of SRC1 and SRC2, SRC1's
    first; VALIGND/Q shift the concatenation SRC1:SRC2 (SRC1 the upper
    half) right by imm elements, imm taken modulo the element count of
    the vector length (imm8[1:0]/[2:0]/[3:0] for dwords, one bit fewer for
    qwords); VSHUFI32X4/64X2 (256/512 bits) fill the lower half of the
    lanes from SRC1 and the upper half from SRC2, each lane chosen by one
    (256) or two (512) bits of imm; with {1toN} their SRC2 is the element
    everywhere.  Masking is per dword or qword as the mnemonic says.
    These permutes (class E4NF) read their whole memory operand, or the
    {1toN} element, whatever the mask: a fault is not suppressed.
    VPTERNLOGD/Q set each bit of an active element to imm bit
    DEST << 2 | SRC1 << 1 | SRC2 of that bit (the destination is an
    input; merging keeps it, zeroing clears); VPMOVZX/SX zero- or
    sign-extend source element j (byte, word or dword) into destination
    element j.  These two (classes E4 and E5) read only the memory
    elements of active destination elements (a {1toN} element if any is
    active), so masked-off ones cannot fault;
  * group shift: elementwise on dwords or qwords, each element shifted
    by a count taken whole and unsigned: the imm8 (VPSLLD $N, ...), bits
    63:0 of the xmm/m128 count (one count for all elements; the high
    qword is ignored) or the element of the V row's count operand
    (VPSLLVD, ...).  VPSLL/VPSRL give 0 for a count above width-1,
    VPSRA fills the element with its sign bit; VPROL/VPROR rotate by the
    count mod the width.  In the immediate forms the r/m operand (and
    {1toN}) is the shifted source, in the V rows the counts.  The m128
    count is read whatever the mask: a fault there is raised even with
    every element masked off (exception class E4NF, no fault
    suppression); the FV operands suppress faults like group int's.  No
    RFLAGS or MXCSR change;
  * group fp: IEEE 754 binary32 (PS, SS) and binary64 (PD, SD) elements
    as the SDM describes SSE/AVX arithmetic, every exception masked
    (diff.c sets MXCSR[12:7]): an exception only sets its MXCSR flag
    (flags are sticky).  Results are exact, then rounded once by
    MXCSR.RC or by the instruction's {rn,rd,ru,rz}-sae (EVEX.b on a
    register form), which like {sae} suppresses every exception: no flag
    is set (DAZ and FTZ still apply).  DAZ makes a denormal source a zero
    of its sign.  Tininess is detected after rounding (the result rounded
    with an unbounded exponent is below the smallest normal); FTZ then
    gives a zero of the result's sign with UE and PE, else the denormal
    result sets UE and PE if inexact (no flag if exact).  Overflow gives
    infinity or the largest finite number, as the rounding direction
    says, with OE and PE.  DE marks a denormal source (DAZ off) unless the
    element raises IE or ZE (--compare and diff.c's digests leave DE out:
    QEMU does not emulate it).  An exact zero sum is +0, -0 when rounding
    down, unless both addends are zeros of one sign.  NaNs (table 4-7):
    the first source's NaN, else the second's, quieted; an SNaN signals
    IE; an invalid operation (inf - inf, 0 * inf, 0 / 0, inf / inf, the
    root of a number below -0) gives the QNaN indefinite (sign set) and
    IE; x / 0 gives infinity and ZE.  VMIN/VMAX: SRC2 when either source
    is a NaN (a QNaN too: IE; the NaN not quieted) or both are zeros,
    else the smaller (larger), SRC2 when equal; a denormal DAZ turned into
    a zero is returned as that zero (DAZ converts the sources before the
    operation; checked on the host).  VCMP: the 32 predicates of imm8[4:0]
    (true for which of >, <, =, unordered; whether a QNaN signals IE, an
    SNaN always does) into a k register like group cmp.  The FMA rows
    compute x*y + z with the product and/or z negated (FMSUB, FNMADD,
    FNMSUB), rounded once; x, y, z are DEST, SRC3, SRC2 (132), SRC2,
    DEST, SRC3 (213) and SRC2, SRC3, DEST (231), as the operation
    sections multiply; a NaN result is x's, else y's, else z's, quieted
    (table 14-17): inf * 0 + QNaN is the QNaN without IE.  The scalar
    rows compute element 0 under mask bit 0 and take bits 127:32 (127:64)
    from SRC1 (the FMA rows: DEST).  Masked-off elements raise no
    exception and are not read from memory;
  * group perm: DEST element j (dwords or qwords; KL of them) is a
    source element, as follows, where j is active; merging keeps DEST's
    element, which is the indices of VPERMI2 and the first table of
    VPERMT2.  VPERMD/Q/PS/PD: SRC2[SRC1[j] mod KL] (the index's low
    log2(KL) bits, the rest ignored); VPERMQ/PD imm8: the element of j's
    256-bit half that imm8[2(j mod 4)+1:2(j mod 4)] selects.  VPERMI2 and
    VPERMT2: bits log2(KL)-1:0 of the index pick the element, bit log2(KL)
    the table (0: the first table, 1: SRC2, whose {1toN} element then
    stands for every element).  In 128-bit lanes: VPERMILPS takes the
    lane's element selected by bits 1:0 of the control element (or of
    imm8[2(j mod 4)+1:2(j mod 4)]), VPERMILPD by bit 1 of the control
    qword (or imm8[j]); VSHUFPS takes a lane's elements 0 and 1 from
    SRC1 and 2 and 3 from SRC2, by the same imm8 fields in every lane,
    VSHUFPD element j from SRC1 (j even) or SRC2 (j odd), the lane's
    element imm8[j]; VUNPCKL/H interleave the low/high halves of the
    lanes of SRC1 and SRC2, SRC1 first.  VINSERT* replace the 128/256-bit
    block of SRC1 that imm8[0] (two blocks) or imm8[1:0] (four) selects
    by SRC2, then mask per element; VEXTRACT* take that block of SRC to
    a register (masked, the rest up to MAXVL zeroed) or store its active
    elements.  VPCOMPRESS/VCOMPRESS pack the active elements of SRC from
    element 0 up; to a register the rest up to VL is kept (merging) or
    zeroed, to memory only the packed elements are written.  VPEXPAND/
    VEXPAND give the active elements of DEST SRC's elements 0, 1, ... in
    order; from memory only as many elements are read as are active.
    Exception classes: the permutes, shuffles and unpacks are E4NF,
    VINSERT*/VEXTRACT* E6NF: no fault suppression, the memory operand (a
    {1toN} element too) is accessed whole whatever the mask, and a
    masked VEXTRACT* store faults on a masked-off element outside the
    page although it writes only the active ones; compress and expand
    (E4.nb) touch only the packed elements.  No row changes RFLAGS or
    MXCSR;
  * group trunc: VPMOV{QB,QW,QD,DB,DW} keep the low bits of each source
    element (Truncate...), VPMOVS* clamp the signed element to the
    destination's signed range (SaturateSigned...), VPMOVUS* clamp the
    element taken unsigned to the destination's maximum
    (SaturateUnsigned...: a negative dword or qword becomes all ones);
    KL = VL / source element size elements.  To a register the result
    fills KL elements of the destination (masked-off ones merged or
    zeroed) and DEST[MAXVL-1:KL * element bits] is zeroed, VL/2, VL/4 or
    VL/8 bits (an xmm, or a ymm for QD and DW at 512 bits); to memory
    (VL/2, VL/4 or VL/8 bytes) only the active elements are written, and
    a masked-off one cannot fault (exception class E6).  VMOVSLDUP and
    VMOVSHDUP copy the even or odd dword of each pair into both dwords,
    VMOVDDUP the even qword of each pair (from m64 at 128 bits, else from
    VL bytes); masked per element, DEST[MAXVL-1:VL] := 0, and the whole
    memory operand is read whatever the mask: E4NF and E5NF have no fault
    suppression.  EVEX.128, no masking: VMOVHPS/HPD load m64 into
    DEST[127:64] with SRC1[63:0] below it, VMOVLPS/LPD into DEST[63:0]
    with SRC1[127:64] above it, their stores write SRC[127:64] or
    SRC[63:0] to m64; VMOVHLPS is SRC2[127:64] below SRC1[127:64],
    VMOVLHPS SRC1[63:0] below SRC2[63:0]; VEXTRACTPS writes the dword
    imm8[1:0] of SRC to m32 or to a GPR, zero-extended to 64 bits;
    VINSERTPS replaces dword imm8[5:4] of SRC1 by dword imm8[7:6] of an
    xmm SRC2 (or by m32: imm8[7:6] ignored), then clears the dwords set in
    imm8[3:0].  Register destinations are zeroed from bit 128 up
    (MAXVL).  None of them changes RFLAGS or MXCSR (no floating point).
Where the model had to choose (broadcast element read when any element it
feeds is active, including the 16/32-byte VBROADCAST*X4; the memory
operand of the compares with FALSE/TRUE read like the others; a masked
VEXTRACT* store checks all its bytes, E6NF read as for loads, which the
AMD host does too), the choice is marked "choice" below.

Usage:
  model.py --self-check [N]        known answers and N random cases per
                                   form of the ten groups (fewer for
                                   int, cmp, shuf, shift, fp, perm and
                                   trunc), checking the model against
                                   itself (independent formulations,
                                   invariants), and that deliberately
                                   broken models of the groups int, cmp,
                                   shuf, shift, fp, perm and trunc
                                   (MUTANTS) fail that check
  model.py --compare TRACE [FORM...]
                                   compare a diff.c --trace output with
                                   the model (all forms of the file, or
                                   those named)
"""
import dataclasses
import functools
import math
import operator
import os
import random
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import forms_cmp  # noqa: E402
import forms_fp  # noqa: E402
import forms_int  # noqa: E402
import forms_kmask  # noqa: E402
import forms_masked  # noqa: E402
import forms_move  # noqa: E402
import forms_perm  # noqa: E402
import forms_shift  # noqa: E402
import forms_shuf  # noqa: E402
import forms_trunc  # noqa: E402
from fractions import Fraction  # noqa: E402
from forms_common import STORE  # noqa: E402

GROUPS = ['move', 'kmask', 'masked', 'int', 'cmp', 'shuf', 'shift', 'fp',
          'perm', 'trunc']
FORMS = {f.name: f for f in forms_move.FORMS + forms_kmask.FORMS +
         forms_masked.FORMS + forms_int.FORMS + forms_cmp.FORMS +
         forms_shuf.FORMS + forms_shift.FORMS + forms_perm.FORMS +
         forms_trunc.FORMS + forms_fp.FORMS + forms_trunc.LATE +
         forms_shuf.LATE + forms_move.LATE + forms_fp.F16 +
         forms_fp.FIXUP + forms_fp.RCP14 + forms_int.LATE +
         forms_cmp.LATE + forms_shift.LATE + forms_masked.LATE +
         forms_int.LATE2 + forms_shuf.LATE2 + forms_trunc.LATE2 +
         forms_perm.LATE2 + forms_masked.LATE2 + forms_int.DQ +
         forms_masked.DQ + forms_perm.DQ + forms_fp.PCVT_DQ +
         forms_fp.SPECIAL_DQ + forms_fp.FPCLASS + forms_int.CD +
         forms_shuf.CD + forms_cmp.CD + forms_shuf.VAES}
PAGE = 4096
MAXVL = 64                      # bytes
ONES64 = (1 << 64) - 1
FLAGS_OUT = 0x8d5               # CF PF AF ZF SF OF: what diff.c compares
CF, PF, AF, ZF, SF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x800
MXCSR_DE = 0x2                  # not emulated by QEMU (diff.c leaves it out)
ALL_FEATURES = frozenset(('F', 'VL', 'BW', 'DQ', 'CD', 'VAES'))
SLOTS = 'ABPI'


class Fault(Exception):
    """The case raises an exception: 'UD', 'GP' or 'PF'."""


class ModelError(Exception):
    """The model cannot handle the form or the input (a bug here)."""


# ---- forms -----------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Op:
    """One operand: kind 'v' (vector, n, size in bytes), 'k' (mask n),
    'm' (memory; bcst: elements of {1toN}, 0 if none), 'g' (GPR slot n,
    size 4 or 8), 'i' (immediate n), 'r' (EVEX.b on a register form:
    n the rounding RN, RD, RU, RZ of {rn-sae} ... {rz-sae}, 4 {sae})."""
    kind: str
    n: int = 0
    size: int = 0
    bcst: int = 0


@dataclasses.dataclass(frozen=True)
class Insn:
    """A form as the model sees it: mnemonic, operands in Intel order
    (destination first), writemask register (None: no mask, aaa=0), {z};
    and the memory operand's shape."""
    mn: str
    ops: tuple
    mask: object = None
    zero: bool = False
    disp: int = 0
    scale: int = 0
    feature: str = 'F'


OP_RE = re.compile(r'^(?:%([xyz])mm(\d+)|%k(\d)|(\{M\})(?:\{1to(\d+)\})?|'
                   r'\{([AB])(_d)?\}|\$(\d+)|\{((?:r[nduz]-)?sae)\})'
                   r'((?:\{%k\d\})?)((?:\{z\})?)$')


def parse(form):
    """The Insn of a Form (its assembler template, AT&T order)."""
    text = form.asm.replace('{evex} ', '')
    mn, _, rest = text.partition(' ')
    ops, mask, zero = [], None, False
    for o in (x.strip() for x in rest.split(',')):
        m = OP_RE.match(o)
        if not m:
            raise ModelError(f'{form.name}: operand {o!r}')
        v, vn, kn, mem, bc, slot, d32, imm, rnd, km, z = m.groups()
        if v:
            ops.append(Op('v', int(vn), {'x': 16, 'y': 32, 'z': 64}[v]))
        elif kn:
            ops.append(Op('k', int(kn)))
        elif mem:
            ops.append(Op('m', bcst=int(bc or 0)))
        elif slot:
            ops.append(Op('g', SLOTS.index(slot), 4 if d32 else 8))
        elif rnd:
            ops.append(Op('r', ROUNDING_OPS[rnd]))
        else:
            ops.append(Op('i', int(imm)))
        if km:
            mask = int(km[3])
        zero = zero or bool(z)
    return Insn(mn, tuple(reversed(ops)), mask, zero, form.disp or 0,
                form.scale, form.feature)


# ---- state -----------------------------------------------------------

@dataclasses.dataclass
class State:
    """Input of a case.  z: {n: 512-bit int} (the registers the form
    names), k: 8 ints, gpr: 4 ints (slots A, B, P, I), mem: the bytes of
    the memory operand that lie in the scratch page, from max(off, 0);
    scratch: the page's address (so that the model computes the operand's
    offset from P, I, disp and scale itself)."""
    z: dict
    k: list
    gpr: list
    flags: int
    mxcsr: int
    off: int = 0
    mem: bytes = b''
    scratch: int = 0


@dataclasses.dataclass
class Outcome:
    """Expected output: exc None or 'UD'/'GP'/'PF'; z, k: the registers
    the instruction writes (full values); gpr, flags, mxcsr; mem: {offset
    in the scratch page: byte} written."""
    exc: object = None
    z: dict = dataclasses.field(default_factory=dict)
    k: dict = dataclasses.field(default_factory=dict)
    gpr: list = None
    flags: int = 0
    mxcsr: int = 0
    mem: dict = dataclasses.field(default_factory=dict)


class Memory:
    """The scratch page [0, PAGE) between two guard pages.  Reads and
    writes of whole elements; an element with a byte outside the page
    faults (#PF).  Writes are collected and applied by the caller only if
    the instruction completes."""

    def __init__(self, st, unfaulting=False):
        self.base = max(st.off, 0)
        self.data = st.mem
        self.writes = {}
        self.unfaulting = unfaulting    # writes outside the page succeed

    def read(self, off, n):
        if off < 0 or off + n > PAGE:
            raise Fault('PF')
        lo = off - self.base
        if lo < 0 or lo + n > len(self.data):
            raise ModelError(f'read of [{off}, {off + n}) outside the '
                             'operand bytes the trace gives')
        return int.from_bytes(self.data[lo:lo + n], 'little')

    def probe(self, off, n):
        """A store's check of bytes it may not write: #PF outside the
        page."""
        if (off < 0 or off + n > PAGE) and not self.unfaulting:
            raise Fault('PF')

    def write(self, off, n, value):
        if (off < 0 or off + n > PAGE) and not self.unfaulting:
            raise Fault('PF')
        for i in range(n):
            self.writes[off + i] = value >> (8 * i) & 0xff


def emask(es):
    return (1 << (8 * es)) - 1


def elem(v, es, j):
    return v >> (8 * es * j) & emask(es)


def lanes(nelem, es, active):
    """The bit mask of the active elements among nelem of es bytes."""
    out, e = 0, emask(es)
    for j in range(nelem):
        if active[j]:
            out |= e << (8 * es * j)
    return out


class Ctx:
    """One evaluation: the input state and what the instruction does."""

    def __init__(self, insn, st, unfaulting=False):
        self.i, self.st = insn, st
        self.out = Outcome(gpr=list(st.gpr), flags=st.flags,
                           mxcsr=st.mxcsr)
        self.mem = Memory(st, unfaulting)

    def z(self, n):
        if n not in self.st.z:
            raise ModelError(f'zmm{n} is not in the input')
        return self.st.z[n]

    def active(self, nelem):
        """Per element: is it written (no mask, or its k bit set)?"""
        if self.i.mask is None:
            return [True] * nelem
        k = self.st.k[self.i.mask]
        return [bool(k >> j & 1) for j in range(nelem)]

    def offset(self):
        """The memory operand's offset from the scratch page (mod 2^64)."""
        g = self.st.gpr
        ea = (g[2] + (g[3] * self.i.scale if self.i.scale else 0) +
              self.i.disp) & ONES64
        off = (ea - self.st.scratch) & ONES64
        off = off - (1 << 64) if off >> 63 else off
        if off != self.st.off:
            raise ModelError(f'operand at scratch{off:+d}, the trace says '
                             f'{self.st.off:+d}')
        return off

    def check_align(self, align):
        if align > 1 and self.offset() % align:
            raise Fault('GP')

    def vwrite(self, dst, es, values, active, merge=None):
        """Write elements to vector dst (values: list, None where masked
        off); masked-off elements come from merge (default: dst's old
        value) or are zeroed ({z}); bits from VL up are zeroed."""
        nelem = dst.size // es
        new = 0
        for j in range(nelem):
            if active[j]:
                new |= values[j] << (8 * es * j)
        keep = lanes(nelem, es, [not a for a in active])
        if not self.i.zero:
            old = self.z(dst.n) if merge is None else merge
            new |= old & keep
        self.out.z[dst.n] = new

    def velems(self, op, es, nelem, active):
        """Source elements of a vector, memory or broadcast operand; the
        masked-off ones of memory are not read (fault suppression)."""
        if op.kind == 'v':
            v = self.z(op.n)
            return [elem(v, es, j) for j in range(nelem)]
        off = self.offset()
        if op.bcst:
            # choice: the element is read if any destination element is
            # active (SDM 2.8: no fault when every element is masked off)
            x = self.mem.read(off, es) if any(active) else 0
            return [x] * nelem
        return [self.mem.read(off + es * j, es) if active[j] else None
                for j in range(nelem)]

    def whole(self, op, es, size):
        """A source read whole, whatever the mask (no fault suppression:
        class E4NF): size bytes of a vector register or of memory, or
        with {1toN} its element of es bytes repeated over size bytes."""
        if op.kind == 'v':
            return self.z(op.n) & ((1 << (8 * size)) - 1)
        off = self.offset()
        if op.bcst:
            x = self.mem.read(off, es)
            return sum(x << (8 * es * j) for j in range(size // es))
        return self.mem.read(off, size)


# ---- semantics -------------------------------------------------------

PACKED = {'vmovups': (4, 0), 'vmovupd': (8, 0), 'vmovaps': (4, 1),
          'vmovapd': (8, 1), 'vmovdqu8': (1, 0), 'vmovdqu16': (2, 0),
          'vmovdqu32': (4, 0), 'vmovdqu64': (8, 0), 'vmovdqa32': (4, 1),
          'vmovdqa64': (8, 1), 'vmovntps': (4, 1), 'vmovntpd': (8, 1),
          'vmovntdq': (4, 1), 'vmovntdqa': (4, 1)}


def sem_packed_move(c, es, aligned):
    dst, src = c.i.ops
    vl = (dst if dst.kind == 'v' else src).size
    nelem = vl // es
    act = c.active(nelem)
    if aligned and 'm' in (dst.kind, src.kind):
        c.check_align(vl)
    if dst.kind == 'v':
        c.vwrite(dst, es, c.velems(src, es, nelem, act), act)
    else:
        off, v = c.offset(), c.z(src.n)
        for j in range(nelem):
            if act[j]:
                c.mem.write(off + es * j, es, elem(v, es, j))


def sem_movs(c, es):
    """VMOVSS/VMOVSD: the mask applies to element 0 only."""
    act = c.active(1)[0]
    ops = c.i.ops
    if ops[0].kind == 'm':
        if act:
            c.mem.write(c.offset(), es, elem(c.z(ops[1].n), es, 0))
        return
    dst = ops[0]
    if ops[1].kind == 'm':
        low = c.mem.read(c.offset(), es) if act else None
        upper = 0                               # DEST[MAXVL-1:es] := 0
    else:
        low = elem(c.z(ops[2].n), es, 0) if act else None
        upper = c.z(ops[1].n) & ((1 << 128) - 1) & ~emask(es)
    if low is None:
        low = 0 if c.i.zero else elem(c.z(dst.n), es, 0)
    c.out.z[dst.n] = upper | low


def sem_movdq(c, es):
    """VMOVD/VMOVQ: GPR, memory and (VMOVQ) xmm sources; no masking."""
    dst, src = c.i.ops
    if dst.kind == 'g':
        c.out.gpr[dst.n] = elem(c.z(src.n), es, 0)     # zero-extended
    elif dst.kind == 'm':
        c.mem.write(c.offset(), es, elem(c.z(src.n), es, 0))
    elif src.kind == 'g':
        c.out.z[dst.n] = c.st.gpr[src.n] & emask(es)
    elif src.kind == 'm':
        c.out.z[dst.n] = c.mem.read(c.offset(), es)
    else:
        c.out.z[dst.n] = elem(c.z(src.n), es, 0)


KW = {'b': 1, 'w': 2, 'd': 4, 'q': 8}
KLOGIC = {
    'kand': lambda a, b: a & b,
    'kandn': lambda a, b: ~a & b,               # (NOT SRC1) AND SRC2
    'kor': lambda a, b: a | b,
    'kxor': lambda a, b: a ^ b,
    'kxnor': lambda a, b: ~(a ^ b),
    'kadd': lambda a, b: a + b,
}


def sem_k(c):
    mn, ops = c.i.mn, c.i.ops
    if mn.startswith('kunpck'):
        half = {'bw': 8, 'wd': 16, 'dq': 32}[mn[6:]]
        s1, s2 = c.st.k[ops[1].n], c.st.k[ops[2].n]
        h = (1 << half) - 1
        c.out.k[ops[0].n] = (s1 & h) << half | (s2 & h)
        return
    nb = KW[mn[-1]]
    wm, base = emask(nb), mn[:-1]
    if base == 'kmov':
        dst, src = ops
        if src.kind == 'k':
            v = c.st.k[src.n]
        elif src.kind == 'g':
            v = c.st.gpr[src.n]
        else:
            v = c.mem.read(c.offset(), nb)
        v &= wm
        if dst.kind == 'k':
            c.out.k[dst.n] = v
        elif dst.kind == 'g':
            c.out.gpr[dst.n] = v            # a 32-bit GPR write zero-extends
        else:
            c.mem.write(c.offset(), nb, v)
    elif base in KLOGIC:
        c.out.k[ops[0].n] = KLOGIC[base](c.st.k[ops[1].n],
                                         c.st.k[ops[2].n]) & wm
    elif base == 'knot':
        c.out.k[ops[0].n] = ~c.st.k[ops[1].n] & wm
    elif base in ('kshiftl', 'kshiftr'):
        count, src = ops[2].n & 0xff, c.st.k[ops[1].n] & wm
        if count > 8 * nb - 1:
            v = 0
        else:
            v = src << count if base == 'kshiftl' else src >> count
        c.out.k[ops[0].n] = v & wm
    elif base in ('kortest', 'ktest'):
        s1, s2 = c.st.k[ops[0].n] & wm, c.st.k[ops[1].n] & wm
        if base == 'kortest':
            zf, cf = (s1 | s2) == 0, (s1 | s2) == wm
        else:
            zf, cf = (s1 & s2) == 0, (s2 & ~s1 & wm) == 0
        c.out.flags = (c.st.flags & ~FLAGS_OUT) | (ZF if zf else 0) | \
            (CF if cf else 0)
    else:
        raise ModelError(f'no model for {mn}')


def sem_blend(c, es):
    dst, src1, src2 = c.i.ops
    nelem = dst.size // es
    act = c.active(nelem)
    c.vwrite(dst, es, c.velems(src2, es, nelem, act), act,
             merge=c.z(src1.n))


def sem_padd(c, es):
    dst, src1, src2 = c.i.ops
    nelem = dst.size // es
    act = c.active(nelem)
    a = c.z(src1.n)
    b = c.velems(src2, es, nelem, act)
    c.vwrite(dst, es, [(elem(a, es, j) + b[j]) & emask(es) if act[j]
                       else None for j in range(nelem)], act)


def sem_broadcast(c, es, size):
    """VPBROADCASTD/Q, VBROADCASTSS/SD (size = es) and VBROADCAST*32X4 /
    *64X4 (size 16/32): DEST element j takes source element j mod
    (size/es)."""
    dst, src = c.i.ops
    nelem, per = dst.size // es, size // es
    act = c.active(nelem)
    if src.kind == 'v':
        tup = [elem(c.z(src.n), es, i) for i in range(per)]
    elif src.kind == 'g':
        tup = [c.st.gpr[src.n] & emask(es)]
    else:
        off = c.offset()
        # choice: a source element is read if an active destination
        # element takes it
        tup = [c.mem.read(off + es * i, es)
               if any(act[j] for j in range(i, nelem, per)) else None
               for i in range(per)]
    c.vwrite(dst, es, [tup[j % per] if act[j] else None
                       for j in range(nelem)], act)


def scalar_write(c, dst, src1, es, val, active):
    """A scalar row's destination: element 0 is val where active (merged
    or zeroed otherwise), bits 127:8*es from SRC1, 511:128 zero."""
    low = val if active else 0 if c.i.zero else elem(c.z(dst.n), es, 0)
    c.out.z[dst.n] = c.z(src1.n) & ((1 << 128) - 1) & ~emask(es) | low


def sx(v, bits):
    """The bits-wide unsigned v as a signed (two's complement) number."""
    return v - (1 << bits) if v >> (bits - 1) & 1 else v


def sat_s(v, n):
    """v saturated to a signed n-bit integer."""
    return max(min(v, (1 << (n - 1)) - 1), -(1 << (n - 1)))


def low32(v):
    return v & 0xffffffff


# Group int: per mnemonic, the element size (for masking, broadcast and
# the operation) and the operation on the unsigned element values (a from
# SRC1, b from SRC2; n: element bits), from the SDM's operation sections.
# The result is truncated to the element.  VPABS has one source (b).
INT_OPS = {
    'vpsub': lambda a, b, n: a - b,
    'vpand': lambda a, b, n: a & b,
    'vpandn': lambda a, b, n: ~a & b,           # (NOT SRC1) AND SRC2
    'vpor': lambda a, b, n: a | b,
    'vpxor': lambda a, b, n: a ^ b,
    # IF SRC1 < SRC2 THEN SRC1 ELSE SRC2 (signed or unsigned compare)
    'vpmins': lambda a, b, n: a if sx(a, n) < sx(b, n) else b,
    'vpminu': lambda a, b, n: a if a < b else b,
    'vpmaxs': lambda a, b, n: a if sx(a, n) > sx(b, n) else b,
    'vpmaxu': lambda a, b, n: a if a > b else b,
    'vpabs': lambda a, b, n: -sx(b, n) if sx(b, n) < 0 else b,
    'vpmull': lambda a, b, n: a * b,            # low n bits
    # AVX512BW: the sums and differences of signed (SaturateToSigned...)
    # or unsigned (...Unsigned...) elements, saturated to the element
    'vpadd': lambda a, b, n: a + b,
    'vpadds': lambda a, b, n: sat_s(sx(a, n) + sx(b, n), n),
    'vpaddus': lambda a, b, n: min(a + b, (1 << n) - 1),
    'vpsubs': lambda a, b, n: sat_s(sx(a, n) - sx(b, n), n),
    'vpsubus': lambda a, b, n: max(a - b, 0),
    # (SRC1 + SRC2 + 1) >> 1, unsigned
    'vpavg': lambda a, b, n: (a + b + 1) >> 1,
    # the high half of the signed or unsigned product
    'vpmulh': lambda a, b, n: sx(a, n) * sx(b, n) >> n,
    'vpmulhu': lambda a, b, n: a * b >> n,
    # temp := ((SRC1 * SRC2) >> 14) + 1; DEST := temp[16:1]
    'vpmulhrs': lambda a, b, n: ((sx(a, n) * sx(b, n) >> 14) + 1) >> 1,
    # AVX512CD: the number of leading zero bits of SRC (one source, b)
    'vplzcnt': lambda a, b, n: n - b.bit_length(),
}
ESIZE_LETTER = {'b': 1, 'w': 2, 'd': 4, 'q': 8}
# AVX512DQ's logic in the floating-point domain: the integer operation
# of the same name on dwords (PS) or quadwords (PD)
FP_LOGIC = {f'v{op}p{t}': (4 if t == 's' else 8, f'vp{op}')
            for op in ('and', 'andn', 'or', 'xor') for t in 'sd'}
INT_ROWS = {mn: (ESIZE_LETTER[mn[-1]], INT_OPS[mn[:-1]])
            for mn in forms_int.MNEMONICS
            if mn not in ('vpmuldq', 'vpmuludq') and mn not in FP_LOGIC}
INT_ROWS.update({mn: (es, INT_OPS[op]) for mn, (es, op) in FP_LOGIC.items()})
# SIGN_EXTEND(SRC1[31:0]) * SIGN_EXTEND(SRC2[31:0]) per qword; unsigned
INT_ROWS['vpmuldq'] = (8, lambda a, b, n: sx(low32(a), 32) *
                       sx(low32(b), 32))
INT_ROWS['vpmuludq'] = (8, lambda a, b, n: low32(a) * low32(b))
# Deliberately broken semantics, by mnemonic (see MUTANTS): None normally
SEM_PATCH = {}


def sem_int(c, es, op):
    """Group int: DEST element j := op(SRC1[j], SRC2[j]) where active;
    SRC2 is a register, memory (masked-off elements not read) or an
    embedded broadcast of one element; VPABS has SRC2 only."""
    ops = c.i.ops
    dst, src2 = ops[0], ops[-1]
    nelem = dst.size // es
    act = c.active(nelem)
    b = c.velems(src2, es, nelem, act)
    a = c.z(ops[1].n) if len(ops) == 3 else 0
    n = 8 * es
    c.vwrite(dst, es, [op(elem(a, es, j), b[j], n) & emask(es) if act[j]
                       else None for j in range(nelem)], act)


# Group cmp: the predicates of VPCMP/VPCMPU, by imm8[2:0] (the SDM's CASE
# (COMPARISON PREDICATE) OF), on numbers already signed or unsigned
CMP_PRED = [
    lambda a, b: a == b,                # 0 EQ
    lambda a, b: a < b,                 # 1 LT
    lambda a, b: a <= b,                # 2 LE
    lambda a, b: False,                 # 3 FALSE
    lambda a, b: a != b,                # 4 NEQ
    lambda a, b: not a < b,             # 5 NLT
    lambda a, b: not a <= b,            # 6 NLE
    lambda a, b: True,                  # 7 TRUE
]
# per mnemonic without its D/Q: CMP := the test of SRC1 element a and
# SRC2 element b (unsigned values; n: element bits; imm: imm8)
CMP_OPS = {
    'vpcmpeq': lambda a, b, n, imm: a == b,
    'vpcmpgt': lambda a, b, n, imm: sx(a, n) > sx(b, n),
    'vpcmp': lambda a, b, n, imm: CMP_PRED[imm & 7](sx(a, n), sx(b, n)),
    'vpcmpu': lambda a, b, n, imm: CMP_PRED[imm & 7](a, b),
    'vptestm': lambda a, b, n, imm: a & b != 0,
    'vptestnm': lambda a, b, n, imm: a & b == 0,
}
CMP_ROWS = {mn: (ESIZE_LETTER[mn[-1]], CMP_OPS[mn[:-1]])
            for mn in forms_cmp.MNEMONICS
            if not mn.startswith(('vpmov', 'vpbroadcastm'))}


def sem_movm(c):
    """VPMOVM2B/W/D/Q: DEST element j := all ones if bit j of the
    opmask SRC is set, else 0 (no writemask; bits from VL up zeroed).
    VPMOVB2M/W2M/D2M/Q2M: bit j of the opmask DEST := the sign of element
    j of SRC, the bits from KL up 0."""
    mn = c.i.mn
    dst, src = c.i.ops
    if mn.startswith('vpmovm2'):
        es = ESIZE_LETTER[mn[-1]]
        kv = c.st.k[src.n]
        n = dst.size // es
        c.vwrite(dst, es, [emask(es) if kv >> j & 1 else 0
                           for j in range(n)], [True] * n)
        return
    es = ESIZE_LETTER[mn[5]]
    v = c.z(src.n)
    c.out.k[dst.n] = sum((elem(v, es, j) >> (8 * es - 1)) << j
                         for j in range(src.size // es))


def sem_bcstm(c):
    """VPBROADCASTMB2Q / VPBROADCASTMW2D: every quadword (dword) of DEST
    := ZeroExtend(SRC[7:0]) (SRC[15:0]), SRC an opmask; no writemask."""
    dst, src = c.i.ops
    es, bits = (8, 8) if c.i.mn.endswith('q') else (4, 16)
    v = c.st.k[src.n] & ((1 << bits) - 1)
    n = dst.size // es
    c.vwrite(dst, es, [v] * n, [True] * n)


def sem_cmp(c, es, op):
    """Group cmp: DEST[j] := CMP(SRC1[j], SRC2[j]) where element j is
    active, 0 where it is masked off; DEST[MAX_KL-1:KL] := 0.  SRC2 is a
    register, memory (masked-off elements not read) or an embedded
    broadcast of one element."""
    ops = c.i.ops
    dst, src1, src2 = ops[:3]
    imm = ops[3].n if len(ops) > 3 else 0
    kl = src1.size // es
    act = c.active(kl)
    b = c.velems(src2, es, kl, act)
    a = c.z(src1.n)
    res = 0
    for j in range(kl):
        if act[j] and op(elem(a, es, j), b[j], 8 * es, imm):
            res |= 1 << j
    c.out.k[dst.n] = res


# Group shuf.  The permutes (VPSHUFD, VPUNPCK*, VALIGN, VSHUFI*; class
# E4NF) read their whole memory operand, or the {1toN} element, whatever
# the mask: no fault suppression.  VPTERNLOG (E4) and VPMOVZX/SX (E5)
# read the memory elements of active destination elements only.
ONES128 = (1 << 128) - 1


def vlmask(vl):
    return (1 << (8 * vl)) - 1


def sem_pshufd(c):
    """VPSHUFD: per 128-bit lane, DEST[31:0] := (SRC >> ORDER[1:0] * 32)
    [31:0], DEST[63:32] by ORDER[3:2], ... (SRC: the lane of TMP_SRC, which
    is SRC[31:0] in every dword with {1toN})."""
    dst, src, imm = c.i.ops
    vl = dst.size
    s = c.whole(src, 4, vl)
    tmp = 0
    for lane in range(vl // 16):
        x = s >> (128 * lane) & ONES128
        for i in range(4):
            order = imm.n >> (2 * i) & 3
            tmp |= (x >> (32 * order) & 0xffffffff) << (128 * lane + 32 * i)
    nelem = vl // 4
    act = c.active(nelem)
    c.vwrite(dst, 4, [elem(tmp, 4, j) if act[j] else None
                      for j in range(nelem)], act)


def sem_unpck(c, es, high):
    """VPUNPCKL/H BW, WD, DQ, QDQ: per 128-bit lane, INTERLEAVE_[HIGH_]
    BYTES/WORDS/DWORDS/QWORDS(SRC1, TMP_SRC2): SRC1's element i of the low
    (high) half lane, then SRC2's, for i = 0, 1, ..."""
    dst, src1, src2 = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, es, vl)
    bits, half = 8 * es, 64 if high else 0
    tmp = 0
    for lane in range(vl // 16):
        base = 128 * lane
        for i in range(8 // es):
            x = a >> (base + half + bits * i) & emask(es)
            y = b >> (base + half + bits * i) & emask(es)
            tmp |= x << (base + 2 * bits * i) | y << (base + 2 * bits * i +
                                                      bits)
    nelem = vl // es
    act = c.active(nelem)
    c.vwrite(dst, es, [elem(tmp, es, j) if act[j] else None
                       for j in range(nelem)], act)


def ternlog_bit(imm, d, a, b):
    """Bit (DEST << 2) + (SRC1 << 1) + SRC2 of the immediate."""
    return imm >> ((d << 2) + (a << 1) + b) & 1


def sem_ternlog(c, es):
    """VPTERNLOGD/Q: for each bit k of an active element, DEST[k] :=
    imm[(DEST[k] << 2) + (SRC1[k] << 1) + SRC2[k]] (SRC2[k] of the {1toN}
    element); masked-off elements keep DEST (merge) or are zeroed."""
    dst, src1, src2, imm = c.i.ops
    nelem = dst.size // es
    act = c.active(nelem)
    b = c.velems(src2, es, nelem, act)
    a, d = c.z(src1.n), c.z(dst.n)
    out = []
    for j in range(nelem):
        if not act[j]:
            out.append(None)
            continue
        v = 0
        for k in range(8 * es):
            i = 8 * es * j + k
            v |= ternlog_bit(imm.n, d >> i & 1, a >> i & 1,
                             b[j] >> k & 1) << k
        out.append(v)
    c.vwrite(dst, es, out, act)


def sem_pmov(c, se, de, signed):
    """VPMOVZX/SX: DEST element j (de bytes) := ZeroExtend/SignExtend(SRC
    element j of se bytes); the source elements of masked-off destination
    elements are not read from memory (class E5)."""
    dst, src = c.i.ops
    nelem = dst.size // de
    act = c.active(nelem)
    s = c.velems(src, se, nelem, act)
    c.vwrite(dst, de, [(sx(s[j], 8 * se) & emask(de) if signed else s[j])
                       if act[j] else None for j in range(nelem)], act)


# VALIGND/Q: the bits of imm8 that count (by VL in bytes and element size)
ALIGN_IMM_BITS = {(16, 4): 2, (32, 4): 3, (64, 4): 4,
                  (16, 8): 1, (32, 8): 2, (64, 8): 3}


def sem_align(c, es):
    """VALIGND/Q: tmp[2VL-1:0] := SRC1[VL-1:0] : TMP_SRC2[VL-1:0], shifted
    right by SHIFT elements, SHIFT = imm8[1:0], [2:0] or [3:0] (dwords at
    128/256/512 bits; qwords one bit fewer); DEST := tmp[VL-1:0]."""
    dst, src1, src2, imm = c.i.ops
    vl = dst.size
    b = c.whole(src2, es, vl)
    tmp = (c.z(src1.n) & vlmask(vl)) << (8 * vl) | b
    shift = imm.n & ((1 << ALIGN_IMM_BITS[(vl, es)]) - 1)
    tmp >>= 8 * es * shift
    nelem = vl // es
    act = c.active(nelem)
    c.vwrite(dst, es, [elem(tmp, es, j) if act[j] else None
                       for j in range(nelem)], act)


def sem_shufi(c, es):
    """VSHUFI32X4/64X2: 256 bits: TMP_DEST[127:0] := Select2(SRC1,
    imm8[0]), [255:128] := Select2(TMP_SRC2, imm8[1]); 512 bits: lanes 0
    and 1 := Select4(SRC1, imm8[1:0]), (SRC1, imm8[3:2]), lanes 2 and 3 :=
    Select4(TMP_SRC2, imm8[5:4]), (TMP_SRC2, imm8[7:6])."""
    dst, src1, src2, imm = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, es, vl)

    def select(v, ctl):
        return v >> (128 * ctl) & ONES128

    i = imm.n
    if vl == 32:
        tmp = select(a, i & 1) | select(b, i >> 1 & 1) << 128
    elif vl == 64:
        tmp = (select(a, i & 3) | select(a, i >> 2 & 3) << 128 |
               select(b, i >> 4 & 3) << 256 | select(b, i >> 6 & 3) << 384)
    else:
        raise ModelError(f'{c.i.mn} has no 128-bit form')
    nelem = vl // es
    act = c.active(nelem)
    c.vwrite(dst, es, [elem(tmp, es, j) if act[j] else None
                       for j in range(nelem)], act)


def shuf_write(c, es, tmp):
    """DEST := the elements of tmp where active, masked off ones merged or
    zeroed (the writemask's elements are es bytes)."""
    dst = c.i.ops[0]
    nelem = dst.size // es
    act = c.active(nelem)
    c.vwrite(dst, es, [elem(tmp, es, j) if act[j] else None
                       for j in range(nelem)], act)


def lane_of(v, lane):
    return v >> (128 * lane) & ONES128


def sem_madd(c, _mutant=None):
    """VPMADDWD: DEST dword j := SRC1 word 2j * SRC2 word 2j + SRC1 word
    2j+1 * SRC2 word 2j+1, signed, the sum's low 32 bits (both products
    -32768 * -32768 give 80000000H).  VPMADDUBSW: DEST word j :=
    SaturateToSignedWord(SRC2 byte 2j+1 * SRC1 byte 2j+1 + SRC2 byte 2j *
    SRC1 byte 2j), SRC1's bytes unsigned, SRC2's signed.  SRC2 is read
    whole (E4NF)."""
    dst, src1, src2 = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, 1, vl)
    tmp = 0
    if c.i.mn == 'vpmaddwd':
        for j in range(vl // 4):
            v = sum(sx(elem(a, 2, i), 16) * sx(elem(b, 2, i), 16)
                    for i in (2 * j, 2 * j + 1))
            tmp |= (v & 0xffffffff) << (32 * j)
        return shuf_write(c, 4, tmp)
    for j in range(vl // 2):
        v = sum((sx(elem(a, 1, i), 8) if _mutant == 'signed' else
                 elem(a, 1, i)) * sx(elem(b, 1, i), 8)
                for i in (2 * j, 2 * j + 1))
        tmp |= (sat_s(v, 16) & 0xffff) << (16 * j)
    return shuf_write(c, 2, tmp)


def sem_psadbw(c):
    """VPSADBW: DEST qword i := the sum of ABS(SRC1 byte 8i+k - SRC2 byte
    8i+k) for k = 0..7, zero-extended from 16 bits; no writemask."""
    dst, src1, src2 = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, 1, vl)
    tmp = 0
    for i in range(vl // 8):
        tmp |= sum(abs(elem(a, 1, 8 * i + k) - elem(b, 1, 8 * i + k))
                   for k in range(8)) << (64 * i)
    return shuf_write(c, 8, tmp)


def sem_pack(c, es, _mutant=None):
    """VPACKSSWB/USWB (es 1), VPACKSSDW/USDW (es 2): per 128-bit lane,
    the lane's signed source elements (twice es) of SRC1, then those of
    SRC2 (TMP_SRC2: a {1toN} dword repeated), each saturated to a signed
    (SS) or unsigned (US) element of es bytes."""
    dst, src1, src2 = c.i.ops
    vl, n = dst.size, 8 * es
    a = c.z(src1.n)
    b = c.whole(src2, forms_shuf.bcst_size(c.i.mn, es), vl)
    unsigned = c.i.mn.startswith('vpackus') != (_mutant == 'sign')
    per = 8 // es                       # source elements per lane
    tmp = 0
    for lane in range(vl // 16):
        vals = [sx(elem(lane_of(x, lane), 2 * es, i), 2 * n)
                for x in (a, b) for i in range(per)]
        for i, v in enumerate(vals):
            v = min(max(v, 0), (1 << n) - 1) if unsigned else sat_s(v, n)
            tmp |= (v & emask(es)) << (128 * lane + n * i)
    return shuf_write(c, es, tmp)


def sem_pshufb(c, _mutant=None):
    """VPSHUFB: per 128-bit lane, DEST byte i := 0 if bit 7 of SRC2 byte
    i is set, else SRC1's byte (SRC2 byte i AND 0FH) of the same lane."""
    dst, src1, src2 = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, 1, vl)
    tmp = 0
    for i in range(vl):
        x = elem(b, 1, i)
        if not x & 0x80 or _mutant == 'bit7':
            tmp |= elem(a, 1, (i & ~15) + (x & 15)) << (8 * i)
    return shuf_write(c, 1, tmp)


def sem_pshufhw(c):
    """VPSHUFHW: per 128-bit lane, the low quadword of SRC; word 4+i :=
    SRC word 4 + imm8[2i+1:2i].  VPSHUFLW: the high quadword of SRC; word
    i := SRC word imm8[2i+1:2i]."""
    dst, src, imm = c.i.ops
    vl = dst.size
    v = c.whole(src, 2, vl)
    base = 4 if c.i.mn == 'vpshufhw' else 0
    tmp = 0
    for lane in range(vl // 16):
        x = lane_of(v, lane)
        words = [elem(x, 2, i) for i in range(8)]
        for i in range(4):
            words[base + i] = elem(x, 2, base + (imm.n >> 2 * i & 3))
        tmp |= sum(w << (16 * i) for i, w in enumerate(words)) << (128 *
                                                                    lane)
    return shuf_write(c, 2, tmp)


def sem_palignr(c, _mutant=None):
    """VPALIGNR: per 128-bit lane, (SRC1 lane : SRC2 lane) >> imm8 * 8,
    the low 128 bits (zero from imm8 = 32 up)."""
    dst, src1, src2, imm = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, 1, vl)
    tmp = 0
    for lane in range(vl // 16):
        hi, lo = lane_of(a, lane), lane_of(b, lane)
        if _mutant == 'swap':
            hi, lo = lo, hi
        tmp |= ((hi << 128 | lo) >> (8 * imm.n) & ONES128) << (128 * lane)
    return shuf_write(c, 1, tmp)


def sem_bytesh(c, _mutant=None):
    """VPSLLDQ/VPSRLDQ: per 128-bit lane, SRC shifted left (right) by
    imm8 bytes, a count above 15 giving zero; no writemask."""
    dst, src, imm = c.i.ops
    vl = dst.size
    v = c.whole(src, 1, vl)
    cnt = min(imm.n, 16) * 8
    if _mutant == 'whole':
        x = v << cnt if c.i.mn == 'vpslldq' else v >> cnt
        return shuf_write(c, 1, x & vlmask(vl))
    tmp = 0
    for lane in range(vl // 16):
        x = lane_of(v, lane)
        x = x << cnt if c.i.mn == 'vpslldq' else x >> cnt
        tmp |= (x & ONES128) << (128 * lane)
    return shuf_write(c, 1, tmp)


def sem_dbpsadbw(c, _mutant=None):
    """VDBPSADBW: TMP1 := per 128-bit lane, dword i of the lane of SRC2
    selected by imm8[2i+1:2i]; then per quadword q, four word sums of
    ABS(SRC1 byte - TMP1 byte) over four bytes: SRC1's bytes 0-3 with
    TMP1's 0-3 and 1-4, SRC1's 4-7 with TMP1's 2-5 and 3-6 (counted from
    the quadword)."""
    dst, src1, src2, imm = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, 1, vl)
    t1 = 0
    for lane in range(vl // 16):
        x = lane_of(b, lane)
        for i in range(4):
            sel = i if _mutant == 'noimm' else imm.n >> 2 * i & 3
            t1 |= elem(x, 4, sel) << (128 * lane + 32 * i)
    tmp = 0
    for q in range(vl // 8):
        for w, (fa, ft) in enumerate(((0, 0), (0, 1), (4, 2), (4, 3))):
            v = sum(abs(elem(a, 1, 8 * q + fa + k) -
                        elem(t1, 1, 8 * q + ft + k)) for k in range(4))
            tmp |= v << (64 * q + 16 * w)
    return shuf_write(c, 2, tmp)


def sem_conflict(c, es, _mutant=None):
    """VPCONFLICTD/Q: DEST element j := the bits i < j for which SRC
    element i equals SRC element j, where j is active; SRC is read whole
    (E4NF), {1toN} repeats one element."""
    dst, src = c.i.ops
    vl = dst.size
    v = c.whole(src, es, vl)
    e = [elem(v, es, j) for j in range(vl // es)]
    upto = (lambda j: len(e)) if _mutant == 'all' else (lambda j: j)
    tmp = sum(sum(1 << i for i in range(upto(j)) if i != j and e[i] == e[j])
              << (8 * es * j) for j in range(len(e)))
    return shuf_write(c, es, tmp)


# AES (FIPS-197), the first formulation: the S-box from the inverse in
# GF(2^8) as x^254 and the affine map as rotations; MixColumns by xtime
def _gf_xtime(x):
    return (x << 1 ^ (0x11b if x & 0x80 else 0)) & 0xff


def _gf_pow(x, e):
    r = 1
    while e:
        if e & 1:
            r = _gf_mul_xtime(r, x)
        x, e = _gf_mul_xtime(x, x), e >> 1
    return r


def _gf_mul_xtime(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a, b = _gf_xtime(a), b >> 1
    return r


def _aes_sbox(x):
    inv = _gf_pow(x, 254)

    def rotl(v, n):
        return (v << n | v >> (8 - n)) & 0xff
    return inv ^ rotl(inv, 1) ^ rotl(inv, 2) ^ rotl(inv, 3) ^ \
        rotl(inv, 4) ^ 0x63


AES_SBOX = [_aes_sbox(x) for x in range(256)]
AES_INV_SBOX = [AES_SBOX.index(x) for x in range(256)]


def aes_round(mn, state, key, _mutant=None):
    """One AES round of VAESENC/ENCLAST/DEC/DECLAST on a 128-bit lane
    (byte i of the register is row i % 4, column i // 4 of the state):
    encryption: ShiftRows, SubBytes, MixColumns (not in the last round);
    decryption: InvShiftRows, InvSubBytes, InvMixColumns (not in the
    last); then the round key is added."""
    dec, last = 'dec' in mn, mn.endswith('last')
    s = [state >> (8 * i) & 0xff for i in range(16)]
    sh = -1 if dec != (_mutant == 'rows') else 1
    s = [s[r + 4 * ((col + sh * r) % 4)]
         for col in range(4) for r in range(4)]
    # s is now column-major again: element 4 * col + r
    s = [(AES_INV_SBOX if dec else AES_SBOX)[x] for x in s]
    if not last and _mutant != 'nomix':
        m = (0x0e, 0x0b, 0x0d, 0x09) if dec else (2, 3, 1, 1)
        s = [functools.reduce(operator.xor, (
            _gf_mul_xtime(m[(k - r) % 4], s[4 * col + k]) for k in range(4)))
            for col in range(4) for r in range(4)]
    return sum(x << (8 * i) for i, x in enumerate(s)) ^ key


def sem_aes(c, _mutant=None):
    """VAESENC/ENCLAST/DEC/DECLAST: DEST lane i := one AES round of SRC1
    lane i with SRC2 lane i as its round key; no writemask."""
    dst, src1, src2 = c.i.ops
    vl = dst.size
    a, b = c.z(src1.n), c.whole(src2, 8, vl)
    tmp = sum(aes_round(c.i.mn, lane_of(a, j), lane_of(b, j), _mutant)
              << (128 * j) for j in range(vl // 16))
    return shuf_write(c, 8, tmp)


def sem_shuf(c):
    mn = c.i.mn
    kind = forms_shuf.KIND[mn]
    if kind == 'pshufd':
        return sem_pshufd(c)
    if kind == 'unpck':
        return sem_unpck(c, SHUF_ES[mn], mn.startswith('vpunpckh'))
    if kind == 'pmov':
        return sem_pmov(c, *forms_shuf.pmov_sizes(mn), mn[5] == 's')
    if kind == 'pack':
        return sem_pack(c, SHUF_ES[mn])
    if kind == 'conflict':
        return sem_conflict(c, SHUF_ES[mn])
    bw = {'madd': sem_madd, 'psadbw': sem_psadbw, 'pshufb': sem_pshufb,
          'pshufhw': sem_pshufhw, 'palignr': sem_palignr,
          'bytesh': sem_bytesh, 'dbpsadbw': sem_dbpsadbw, 'aes': sem_aes}
    if kind in bw:
        return bw[kind](c)
    es = 8 if mn[-1] in 'q2' else 4
    return {'ternlog': sem_ternlog, 'align': sem_align,
            'shufi': sem_shufi}[kind](c, es)


# Group shift: per operation, one element's result from its unsigned
# value a and its whole unsigned count c (n: element bits), as the SDM's
# operation sections define them (LOGICAL_LEFT_SHIFT_DWORDS, ...,
# VPSLLVD/VPSRAVQ, VPROLD/VPRORVQ).
def shift_sll(a, c, n):
    """IF COUNT > n-1 THEN 0 ELSE ZeroExtend(SRC << COUNT)."""
    return 0 if c > n - 1 else (a << c) & ((1 << n) - 1)


def shift_srl(a, c, n):
    """IF COUNT > n-1 THEN 0 ELSE ZeroExtend(SRC >> COUNT)."""
    return 0 if c > n - 1 else a >> c


def shift_sra(a, c, n):
    """IF COUNT > n-1 THEN COUNT := n; SignExtend(SRC) >> COUNT: a count
    of n or more fills the element with its sign bit."""
    return (sx(a, n) >> min(c, n)) & ((1 << n) - 1)


def shift_rol(a, c, n):
    """COUNT := COUNT MOD n; (SRC << COUNT) OR (SRC >> (n - COUNT))."""
    c %= n
    return ((a << c) | (a >> (n - c))) & ((1 << n) - 1)


def shift_ror(a, c, n):
    """COUNT := COUNT MOD n; (SRC >> COUNT) OR (SRC << (n - COUNT))."""
    c %= n
    return ((a >> c) | (a << (n - c))) & ((1 << n) - 1)


SHIFT_OPS = {'sll': shift_sll, 'srl': shift_srl, 'sra': shift_sra,
             'rol': shift_rol, 'ror': shift_ror}
SHIFT_RE = re.compile(r'vp(sll|srl|sra|rol|ror)(v?)([wdq])$')
# per mnemonic: element size, operation, per-element counts (the V rows)
SHIFT_ROWS = {}
for _mn in sorted(forms_shift.MNEMONICS):
    _m = SHIFT_RE.match(_mn)
    SHIFT_ROWS[_mn] = (ESIZE_LETTER[_m.group(3)], SHIFT_OPS[_m.group(1)],
                       bool(_m.group(2)))


def count_m128(insn):
    """Is insn a shift by the count in an m128 operand?  That operand is
    read whatever the mask (exception class E4NF: no fault suppression)."""
    row = SHIFT_ROWS.get(insn.mn)
    return bool(row) and not row[2] and insn.ops[-1].kind == 'm'


def sem_shift(c, es, op, var):
    """Group shift: DEST element j := op(SRC[j], COUNT) where active.
    Immediate forms (OP dest, src/m/{1toN}, imm8): COUNT is the imm8 for
    every element and SRC the r/m operand (memory: masked-off elements
    not read).  xmm/m128 forms (OP dest, src, xmm/m128): COUNT is bits
    63:0 of the xmm register or of the 16-byte memory operand, which is
    read (and can fault) even when no element is active.  V forms (OP
    dest, src, counts/m/{1toN}): COUNT is element j of the counts."""
    ops = c.i.ops
    dst = ops[0]
    nelem = dst.size // es
    act = c.active(nelem)
    if ops[-1].kind == 'i':
        a = c.velems(ops[1], es, nelem, act)
        cnt = [ops[2].n] * nelem
    else:
        v = c.z(ops[1].n)
        a = [elem(v, es, j) for j in range(nelem)]
        if var:
            cnt = c.velems(ops[2], es, nelem, act)
        elif ops[2].kind == 'v':
            cnt = [c.z(ops[2].n) & ONES64] * nelem
        else:
            cnt = [c.mem.read(c.offset(), 16) & ONES64] * nelem
    c.vwrite(dst, es, [op(a[j], cnt[j], 8 * es) if act[j] else None
                       for j in range(nelem)], act)


# Group perm: the element size of each mnemonic and its family (the
# operation below that implements it).  Every row only moves elements:
# RFLAGS and MXCSR are unchanged, there is no arithmetic.
def block_size(mn):
    """The bytes of the block of VINSERT*/VEXTRACT*: 32X4 and 64X2 move
    16, 64X4 and 32X8 32."""
    return 16 if mn.endswith(('32x4', '64x2')) else 32


def _perm_rows():
    rows = {}
    for mn in forms_perm.MNEMONICS:
        if mn.startswith(('vinsert', 'vextract')):
            es = 4 if '32x' in mn else 8
            fam = 'insert' if mn.startswith('vinsert') else 'extract'
        else:
            es = (8 if mn.endswith(('pd', 'q')) else
                  2 if mn.endswith('w') else 4)
            fam = ('permi2' if mn.startswith('vpermi2') else
                   'permt2' if mn.startswith('vpermt2') else
                   'permil' if mn.startswith('vpermil') else
                   'shuf' if mn.startswith('vshuf') else
                   'unpckl' if mn.startswith('vunpckl') else
                   'unpckh' if mn.startswith('vunpckh') else
                   'compress' if 'compress' in mn else
                   'expand' if 'expand' in mn else 'perm')
        rows[mn] = (es, fam)
    return rows


PERM_ROWS = _perm_rows()
# The exception classes (SDM vol. 2, 2.8): the permutes, shuffles and
# unpacks are E4NF and VINSERT*/VEXTRACT* E6NF, "NF": no memory fault
# suppression, the memory operand is read whole (a {1toN} element too)
# whatever the mask; compress and expand are E4.nb: they access only the
# elements they pack, which cannot fault otherwise.
PERM_NF = frozenset(('perm', 'permi2', 'permt2', 'permil', 'shuf',
                     'unpckl', 'unpckh', 'insert', 'extract'))


def perm_fetch(c, op, es, nelem):
    """The nelem elements of a source of a row without fault suppression:
    a register, memory read whole whatever the mask, or the {1toN} element
    (read whatever the mask)."""
    if op.kind == 'v':
        v = c.z(op.n)
        return [elem(v, es, j) for j in range(nelem)]
    off = c.offset()
    if op.bcst:
        return [c.mem.read(off, es)] * nelem
    whole = c.mem.read(off, es * nelem)
    return [elem(whole, es, j) for j in range(nelem)]


def perm_lane_bits(mn):
    """Elements per 128-bit lane of the in-lane rows."""
    return 16 // PERM_ROWS[mn][0]


def sem_perm(c):
    """Group perm: DEST element j := the source element the row selects
    (SDM operation sections), where j is active; the writemask guards
    DEST (merging keeps DEST's element: the indices of VPERMI2, the first
    table of VPERMT2); bits VL..MAXVL-1 are zeroed.  Compress and expand
    go through sem_compress and sem_expand."""
    mn, ops = c.i.mn, c.i.ops
    es, fam = PERM_ROWS[mn]
    if fam == 'compress':
        return sem_compress(c, es)
    if fam == 'expand':
        return sem_expand(c, es)
    if fam == 'extract':
        return sem_extract(c, es)
    dst = ops[0]
    kl = dst.size // es
    act = c.active(kl)
    imm = ops[-1].n if ops[-1].kind == 'i' else None
    if fam == 'insert':
        vals = insert_elems(c, es, imm)
    elif fam == 'perm' and imm is not None:
        # VPERMQ/VPERMPD imm8: per 256-bit half, element j from the
        # half's element imm8[2j+1:2j]
        src = perm_fetch(c, ops[1], es, kl)
        vals = [src[(j & ~3) + (imm >> 2 * (j & 3) & 3)] for j in range(kl)]
    elif fam == 'perm':
        # VPERMD/Q/PS/PD: SRC1 element j's low log2(KL) bits index SRC2
        src = perm_fetch(c, ops[2], es, kl)
        idx = c.z(ops[1].n)
        vals = [src[elem(idx, es, j) & (kl - 1)] for j in range(kl)]
    elif fam in ('permi2', 'permt2'):
        # bits id:0 of the index pick the element, bit id+1 the table
        # (0: the first table, 1: SRC2); id = log2(KL) - 1
        idbits = kl.bit_length() - 1
        t2 = perm_fetch(c, ops[2], es, kl)
        if fam == 'permi2':
            idx, t1 = c.z(dst.n), perm_fetch(c, ops[1], es, kl)
        else:
            idx, t1 = c.z(ops[1].n), perm_fetch(c, dst, es, kl)
        vals = []
        for j in range(kl):
            x = elem(idx, es, j)
            vals.append((t2 if x >> idbits & 1 else t1)[x & (kl - 1)])
    elif fam == 'permil':
        per = perm_lane_bits(mn)
        src = perm_fetch(c, ops[1], es, kl)
        if imm is not None:
            # PS: element j of a lane from imm8[2j+1:2j]; PD: element j
            # (0-7 across the lanes) from the lane's element imm8[j]
            sel = [imm >> 2 * (j % 4) & 3 if es == 4 else imm >> j & 1
                   for j in range(kl)]
        else:
            # the control element's bits 1:0 (PS) or bit 1 (PD)
            ctl = perm_fetch(c, ops[2], es, kl)
            sel = [x & 3 if es == 4 else x >> 1 & 1 for x in ctl]
        vals = [src[j - j % per + sel[j]] for j in range(kl)]
    elif fam == 'shuf':
        a = perm_fetch(c, ops[1], es, kl)
        b = perm_fetch(c, ops[2], es, kl)
        vals = []
        for j in range(kl):
            if es == 4:
                # a lane's elements 0, 1 from SRC1, 2, 3 from SRC2, each
                # selected by its imm8 field (the same for every lane)
                p = j % 4
                vals.append((a if p < 2 else b)[j - p + (imm >> 2 * p & 3)])
            else:
                # a lane's element 0 from SRC1, 1 from SRC2, by imm8[j]
                vals.append((a if j % 2 == 0 else b)[j - j % 2 +
                                                     (imm >> j & 1)])
    else:
        # VUNPCKL/H: a lane's low (high) half of SRC1 and SRC2, interleaved
        a = perm_fetch(c, ops[1], es, kl)
        b = perm_fetch(c, ops[2], es, kl)
        per = perm_lane_bits(mn)
        base = per // 2 if fam == 'unpckh' else 0
        vals = [(b if j % 2 else a)[j - j % per + base + j % per // 2]
                for j in range(kl)]
    c.vwrite(dst, es, [v if a else None for v, a in zip(vals, act)], act)


def insert_elems(c, es, imm):
    """VINSERT*: SRC1 with the 128- or 256-bit block imm8 selects (imm8[0]
    of two blocks, imm8[1:0] of four) replaced by SRC2 (a register's low
    bits or memory, read whole whatever the mask), as elements."""
    dst, src1, src2 = c.i.ops[:3]
    bs = block_size(c.i.mn)
    if src2.kind == 'v':
        blk = c.z(src2.n) & ((1 << (8 * bs)) - 1)
    else:
        blk = c.mem.read(c.offset(), bs)
    pos = imm & (dst.size // bs - 1)
    hole = ((1 << (8 * bs)) - 1) << (8 * bs * pos)
    tmp = c.z(src1.n) & ~hole | blk << (8 * bs * pos)
    return [elem(tmp, es, j) for j in range(dst.size // es)]


# choice: a masked VEXTRACT* store checks its whole 16/32 bytes (E6NF: no
# fault suppression) and writes the active elements only (a mutant turns
# this off)
EXTRACT_STORE_NF = True


def sem_extract(c, es):
    """VEXTRACT*: the block imm8 selects of SRC, to a register (masked per
    element, bits from the block's size up zeroed) or to memory (the
    active elements stored)."""
    dst, src, imm = c.i.ops
    bs = block_size(c.i.mn)
    pos = imm.n & (src.size // bs - 1)
    blk = c.z(src.n) >> (8 * bs * pos)
    n = bs // es
    act = c.active(n)
    vals = [elem(blk, es, j) for j in range(n)]
    if dst.kind == 'v':
        c.vwrite(dst, es, [v if a else None for v, a in zip(vals, act)],
                 act)
        return
    off = c.offset()
    if EXTRACT_STORE_NF:
        c.mem.probe(off, bs)
    for j in range(n):
        if act[j]:
            c.mem.write(off + es * j, es, vals[j])


def sem_compress(c, es):
    """VPCOMPRESS*/VCOMPRESS*: the active elements of SRC packed from
    element 0 up; to a register the rest up to VL is kept (merging) or
    zeroed ({z}), to memory only the packed elements are written."""
    dst, src = c.i.ops
    kl = src.size // es
    act = c.active(kl)
    v = c.z(src.n)
    packed = [elem(v, es, j) for j in range(kl) if act[j]]
    if dst.kind == 'm':
        off = c.offset()
        for i, x in enumerate(packed):
            c.mem.write(off + es * i, es, x)
        return
    low = 8 * es * len(packed)
    new = sum(x << (8 * es * i) for i, x in enumerate(packed))
    if not c.i.zero:
        new |= c.z(dst.n) & ((1 << (8 * dst.size)) - 1) & ~((1 << low) - 1)
    c.out.z[dst.n] = new


def sem_expand(c, es):
    """VPEXPAND*/VEXPAND*: the active elements of DEST take SRC's elements
    0, 1, ... in order; from memory only as many elements are read as are
    active."""
    dst, src = c.i.ops
    kl = dst.size // es
    act = c.active(kl)
    n = sum(act)
    if src.kind == 'v':
        v = c.z(src.n)
        s = [elem(v, es, i) for i in range(n)]
    else:
        off = c.offset()
        s = [c.mem.read(off + es * i, es) for i in range(n)]
    vals, i = [], 0
    for j in range(kl):
        vals.append(s[i] if act[j] else None)
        i += act[j]
    c.vwrite(dst, es, vals, act)


# Group trunc: the conversions of the down-converts, from the SDM's
# TruncateQuadWordToByte, SaturateSignedQuadWordToSignedByte,
# SaturateUnsignedQuadWordToUnsignedByte and their siblings: the unsigned
# value v of a source element of ses bytes to a destination element of des
# bytes
def truncate(v, ses, des):
    """Truncate...To...: the low des bytes."""
    del ses
    return v & emask(des)


def saturate_signed(v, ses, des):
    """SaturateSigned...ToSigned...: the signed source clamped to the
    signed range of the destination, in two's complement."""
    s, b = sx(v, 8 * ses), 8 * des
    s = max(-(1 << (b - 1)), min(s, (1 << (b - 1)) - 1))
    return s & emask(des)


def saturate_unsigned(v, ses, des):
    """SaturateUnsigned...ToUnsigned...: the source, unsigned, clamped to
    the destination's maximum."""
    del ses
    return min(v, emask(des))


# the down-converts (VPMOV[S|US]QB/QW/QD/DB/DW), by mnemonic: (source
# element size, destination element size, conversion)
DOWN_CONV = {'': truncate, 's': saturate_signed, 'us': saturate_unsigned}
DOWN_ROWS = {mn: forms_trunc.down_sizes(mn) + (DOWN_CONV[mn[5:-2]],)
             for mn in forms_trunc.DOWN_ROWS + forms_trunc.DOWN_BW_ROWS}


def sem_down(c, ses, des, conv):
    """Group trunc, VPMOV*: DEST element j (des bytes) := conv(SRC element
    j) where active, for j < KL = VL / ses.  To a register: masked-off
    elements kept (merge) or zeroed ({z}), DEST[MAXVL-1:KL * des * 8] := 0
    (VL/2, VL/4 or VL/8 bits); to memory (VL/2, VL/4 or VL/8 bytes): only
    the active elements are written, a masked-off one cannot fault."""
    dst, src = c.i.ops
    kl = src.size // ses
    act = c.active(kl)
    v = c.z(src.n)
    res = [conv(elem(v, ses, j), ses, des) if act[j] else None
           for j in range(kl)]
    if dst.kind == 'm':
        off = c.offset()
        for j in range(kl):
            if act[j]:
                c.mem.write(off + des * j, des, res[j])
        return
    old, new = c.z(dst.n), 0
    for j in range(kl):
        if res[j] is None:
            res[j] = 0 if c.i.zero else elem(old, des, j)
        new |= res[j] << (8 * des * j)
    c.out.z[dst.n] = new


# VMOVDDUP (qwords), VMOVSLDUP, VMOVSHDUP (dwords): element j of the
# result takes source element DUP_FROM(j); the element size
DUP_ROWS = {
    'vmovddup': (8, lambda j: j & ~1),          # the even qword
    'vmovsldup': (4, lambda j: j & ~1),         # the even dword
    'vmovshdup': (4, lambda j: j | 1),          # the odd dword
}
# exception classes without memory fault suppression (E5NF, E4NF): the
# whole memory operand is read, whatever the mask
NOFS = frozenset(DUP_ROWS)


def sem_dup(c, es, dup_from):
    """Group trunc, VMOVDDUP/VMOVSLDUP/VMOVSHDUP: TMP_SRC element j :=
    SRC element dup_from(j), then a masked write (merge or {z}) of the VL
    bits, DEST[MAXVL-1:VL] := 0.  The memory operand is VL bytes, 8 for
    VMOVDDUP at 128 bits (only SRC[63:0] is used), read whole whatever
    the mask (E5NF, E4NF)."""
    dst, src = c.i.ops
    nelem = dst.size // es
    act = c.active(nelem)
    if src.kind == 'v':
        v = c.z(src.n)
    else:
        size = 8 if es == 8 and dst.size == 16 else dst.size
        v = c.mem.read(c.offset(), size)
    c.vwrite(dst, es, [elem(v, es, dup_from(j)) if act[j] else None
                       for j in range(nelem)], act)


# VMOVHPS/HPD/LPS/LPD loads (DEST, SRC1, m64) and VMOVHLPS/VMOVLHPS (DEST,
# SRC1, SRC2): per mnemonic, where DEST[63:0] and DEST[127:64] come from:
# (operand 1 or 2, its qword 0 or 1; m64 has one)
HALF_LOAD = {
    'vmovhps': ((1, 0), (2, 0)), 'vmovhpd': ((1, 0), (2, 0)),
    'vmovlps': ((2, 0), (1, 1)), 'vmovlpd': ((2, 0), (1, 1)),
    'vmovhlps': ((2, 1), (1, 1)),               # SRC2[127:64], SRC1[127:64]
    'vmovlhps': ((1, 0), (2, 0)),               # SRC1[63:0], SRC2[63:0]
}
# the stores: the qword of the source that goes to m64
HALF_STORE = {'vmovhps': 1, 'vmovhpd': 1, 'vmovlps': 0, 'vmovlpd': 0}


def sem_half(c, load=None, store=None):
    """Group trunc: VMOVHPS/HPD/LPS/LPD (EVEX.128: no masking) and
    VMOVHLPS/VMOVLHPS.  A load or register form writes DEST[127:0] from
    the halves HALF_LOAD names (or load) and zeroes DEST[MAXVL-1:128]; a
    store writes the SRC qword HALF_STORE names (or store) to m64."""
    ops, mn = c.i.ops, c.i.mn
    if ops[0].kind == 'm':
        q = HALF_STORE[mn] if store is None else store
        c.mem.write(c.offset(), 8, elem(c.z(ops[1].n), 8, q))
        return

    def qword(which):
        o, q = which
        op = ops[o]
        if op.kind == 'm':
            return c.mem.read(c.offset(), 8)
        return elem(c.z(op.n), 8, q)

    lo, hi = load or HALF_LOAD[mn]
    c.out.z[ops[0].n] = qword(hi) << 64 | qword(lo)


def sem_extractps(c):
    """Group trunc, VEXTRACTPS: SRC_OFFSET := imm8[1:0]; the dword
    SRC[SRC_OFFSET * 32 + 31:SRC_OFFSET * 32] to m32, or to a GPR,
    DEST[63:32] := 0."""
    dst, src, imm = c.i.ops
    v = elem(c.z(src.n), 4, imm.n & 3)
    if dst.kind == 'm':
        c.mem.write(c.offset(), 4, v)
    else:
        c.out.gpr[dst.n] = v


def sem_insertps(c):
    """Group trunc, VINSERTPS: COUNT_S := imm8[7:6] for a register SRC2
    (0 for m32), COUNT_D := imm8[5:4], ZMASK := imm8[3:0]; TMP := SRC2
    dword COUNT_S; TMP2 := SRC1[127:0] with dword COUNT_D replaced by
    TMP; DEST dword i := 0 if ZMASK[i] else TMP2 dword i;
    DEST[MAXVL-1:128] := 0."""
    dst, src1, src2, imm = c.i.ops
    imm = imm.n
    if src2.kind == 'm':
        tmp = c.mem.read(c.offset(), 4)
    else:
        tmp = elem(c.z(src2.n), 4, imm >> 6 & 3)
    a = c.z(src1.n)
    out = [tmp if i == imm >> 4 & 3 else elem(a, 4, i) for i in range(4)]
    c.out.z[dst.n] = sum(0 if imm >> i & 1 else out[i] << (32 * i)
                         for i in range(4))


def sem_pinsr_pextr(c):
    """Group trunc, VPINSRB/W/D/Q: DEST := SRC1[127:0] with element
    imm8 & (16 / es - 1) replaced by the GPR's low es bytes or m8-m64,
    DEST[MAXVL-1:128] := 0; VPEXTRB/W/D/Q: that element of SRC to the GPR
    (zero-extended to 64 bits: the B/W/D forms write a 32-bit register)
    or to memory."""
    mn = c.i.mn
    es = forms_trunc.INS_ROWS[mn[-1]][0]
    ops = c.i.ops
    sel = ops[-1].n & (16 // es - 1)
    if mn.startswith('vpinsr'):
        dst, src1, src2 = ops[:3]
        v = c.st.gpr[src2.n] & emask(es) if src2.kind == 'g' else \
            c.mem.read(c.offset(), es)
        a = c.z(src1.n) & ((1 << 128) - 1)
        c.out.z[dst.n] = a & ~(emask(es) << (8 * es * sel)) | \
            v << (8 * es * sel)
        return
    dst, src = ops[:2]
    v = elem(c.z(src.n), es, sel)
    if dst.kind == 'm':
        c.mem.write(c.offset(), es, v)
    else:
        c.out.gpr[dst.n] = v


def sem_trunc(c):
    mn = c.i.mn
    if mn in DOWN_ROWS:
        return sem_down(c, *DOWN_ROWS[mn])
    if mn in DUP_ROWS:
        return sem_dup(c, *DUP_ROWS[mn])
    if mn in HALF_LOAD:
        return sem_half(c)
    if mn == 'vextractps':
        return sem_extractps(c)
    if mn == 'vinsertps':
        return sem_insertps(c)
    if mn[:6] in ('vpinsr', 'vpextr'):
        return sem_pinsr_pextr(c)
    raise ModelError(f'no model for {mn}')


# Group fp: IEEE 754 binary32 (PS, SS) and binary64 (PD, SD) arithmetic
# as the SDM describes it for SSE/AVX/AVX-512 (vol. 1 sections 4.8, 4.9,
# 10.2.3, 11.5 and 14.5; vol. 2 operation sections and chapter 2 on
# EVEX.b): MXCSR.RC (or the embedded rounding), DAZ, FTZ, every exception
# masked (diff.c always sets MXCSR bits 7-12), so an exception only sets
# its flag.  Values are taken apart into integers: a finite number is
# (-1)^s * m * 2^e, results are computed exactly (the quotient and the
# root to p + 2 bits and a sticky bit) and rounded once.
MX_IE, MX_DE, MX_ZE, MX_OE, MX_UE, MX_PE = 0x1, 0x2, 0x4, 0x8, 0x10, 0x20
MX_FLAGS = 0x3f
MX_DAZ, MX_FTZ, MX_RC_SHIFT = 0x40, 0x8000, 13
RN, RD, RU, RZ = range(4)           # MXCSR.RC, and EVEX.L'L with {er}
ROUNDING_OPS = {'rn-sae': RN, 'rd-sae': RD, 'ru-sae': RU, 'rz-sae': RZ,
                'sae': 4}           # Op('r', n): n 4 is {sae}
ZERO, FIN, INF, QNAN, SNAN = range(5)


class FpFormat:
    """binary16, binary32 or binary64: es bytes, mbits fraction bits."""

    def __init__(self, es, mbits, ebits):
        self.es, self.mbits, self.p = es, mbits, mbits + 1
        self.bias = (1 << (ebits - 1)) - 1
        self.emin, self.emax = 1 - self.bias, self.bias
        self.sign = 1 << (8 * es - 1)
        self.expo = ((1 << ebits) - 1) << mbits
        self.frac = (1 << mbits) - 1
        self.quiet = 1 << (mbits - 1)
        # the QNaN floating-point indefinite (default NaN): sign set
        self.indefinite = self.sign | self.expo | self.quiet
        self.maxfin = self.expo - 1


BIN32, BIN64 = FpFormat(4, 23, 8), FpFormat(8, 52, 11)
BIN16 = FpFormat(2, 10, 5)      # VCVTPH2PS's source, VCVTPS2PH's result
FP_FORMATS = {2: BIN16, 4: BIN32, 8: BIN64}


def fp_decode(f, bits, daz):
    """(class, sign, m, e): ZERO, FIN (value m * 2^e), INF, QNAN, SNAN;
    with daz a denormal is a zero of its sign."""
    s = 1 if bits & f.sign else 0
    ex, fr = (bits & f.expo) >> f.mbits, bits & f.frac
    if bits & f.expo == f.expo:
        if not fr:
            return INF, s, 0, 0
        return (QNAN if fr & f.quiet else SNAN), s, 0, 0
    if ex == 0:
        if not fr or daz:
            return ZERO, s, 0, 0
        return FIN, s, fr, f.emin - f.mbits
    return FIN, s, fr | 1 << f.mbits, ex - f.bias - f.mbits


def fp_denormal(f, bits):
    return not bits & f.expo and bits & f.frac != 0


def _rint(m, shift, sticky, rc, s):
    """m * 2^-shift, plus a tail below m's last bit if sticky, rounded to
    an integer by rc (the number's sign s): (integer, inexact)."""
    if shift <= 0:
        if sticky:
            raise ModelError('a sticky tail without a guard bit')
        return m << -shift, False
    q = m >> shift
    rem = m - (q << shift)
    if not rem and not sticky:
        return q, False
    half = 1 << (shift - 1)
    if rc == RN:
        up = rem > half or (rem == half and (sticky or q & 1))
    elif rc == RZ:
        up = False
    else:
        up = (rc == RU) != bool(s)
    return q + up, True


def fp_round(f, s, m, e, sticky, rc, ftz):
    """The number (-1)^s * (m + tail) * 2^e (m > 0; tail in (0, 1) if
    sticky, then m has p + 2 bits at least) rounded to format f:
    (bits, flags).  Tininess is detected after rounding (with an
    unbounded exponent, SDM 4.9.1.5); a tiny result is flushed to zero
    with UE and PE when FTZ is on, else rounded to the denormal grid and
    flagged UE (and PE) if inexact.  Overflow gives infinity or the
    largest finite number, as the rounding direction says, with OE and
    PE."""
    n = m.bit_length()
    q, inexact = _rint(m, n - f.p, sticky, rc, s)
    top = e + n - 1                     # exponent of the leading bit
    if q >> f.p:                        # rounded up into a new bit
        q >>= 1
        top += 1
    sbit = f.sign if s else 0
    if top > f.emax:
        inf = rc == RN or (rc == RU and not s) or (rc == RD and s)
        return sbit | (f.expo if inf else f.maxfin), MX_OE | MX_PE
    if top >= f.emin:
        return (sbit | (top + f.bias) << f.mbits | (q & f.frac),
                MX_PE if inexact else 0)
    if ftz:
        return sbit, MX_UE | MX_PE
    q, inexact = _rint(m, f.emin - f.mbits - e, sticky, rc, s)
    return sbit | q, MX_UE | MX_PE if inexact else 0


def _fp_sum(f, terms, rc, ftz):
    """Round the exact sum of terms [(sign, m, e)] (m = 0: a zero of that
    sign).  Zeros of one sign sum to that zero; any other exact zero sum
    is +0, or -0 when rounding down (IEEE 754 section 6.3)."""
    nonzero = [t for t in terms if t[1]]
    if not nonzero:
        signs = {t[0] for t in terms}
        s = signs.pop() if len(signs) == 1 else rc == RD
        return (f.sign if s else 0), 0
    e = min(t[2] for t in nonzero)
    m = sum((-1 if t[0] else 1) * (t[1] << (t[2] - e)) for t in nonzero)
    if m == 0:
        return (f.sign if rc == RD else 0), 0
    return fp_round(f, 1 if m < 0 else 0, abs(m), e, False, rc, ftz)


def _fp_nan(f, raws, vals):
    """SDM vol. 1 table 4-7 for SSE/AVX (and table 14-17 for FMA, in the
    order x, y, z): the first operand that is a NaN, quieted."""
    for r, v in zip(raws, vals):
        if v[0] >= QNAN:
            return r | f.quiet
    return None


def fp_arith(f, op, raws, rc, daz, ftz):
    """One element of VADD/VSUB/VMUL/VDIV/VSQRT (op 'add' ...; raws: the
    sources' bits in operand order) or of the FMA rows (op 'fmadd',
    'fmsub', 'fnmadd', 'fnmsub'; raws x, y, z of x*y + z): (bits,
    flags)."""
    vals = [fp_decode(f, r, daz) for r in raws]
    nan = _fp_nan(f, raws, vals)
    if nan is not None:
        return nan, MX_IE if any(v[0] == SNAN for v in vals) else 0
    bits, flags = _fp_numbers(f, op, vals, rc, ftz)
    # a denormal operand (DE, SDM 4.9.1.2) ranks below invalid and
    # divide-by-zero (4.9.2): the host CPU reports it only without them
    if not daz and not flags & (MX_IE | MX_ZE) and \
            any(fp_denormal(f, r) for r in raws):
        flags |= MX_DE
    return bits, flags


def _fp_numbers(f, op, vals, rc, ftz):
    """fp_arith without NaN operands and DE."""
    flags = 0
    if op == 'sqrt':
        (cls, s, m, e), = vals
        if cls == ZERO:
            return f.sign if s else 0, flags    # sqrt(-0) = -0
        if s:
            return f.indefinite, flags | MX_IE
        if cls == INF:
            return f.expo, flags
        if e & 1:
            m, e = m << 1, e - 1
        k = f.p + 2
        root = math.isqrt(m << 2 * k)
        bits, fl = fp_round(f, 0, root, e // 2 - k,
                            root * root != m << 2 * k, rc, ftz)
        return bits, flags | fl
    if op in ('add', 'sub'):
        (ca, sa, ma, ea), (cb, sb, mb, eb) = vals
        sb ^= op == 'sub'
        if INF in (ca, cb):
            if ca == cb and sa != sb:
                return f.indefinite, flags | MX_IE
            return (f.sign if (sa if ca == INF else sb) else 0) | f.expo, \
                flags
        bits, fl = _fp_sum(f, [(sa, ma, ea), (sb, mb, eb)], rc, ftz)
        return bits, flags | fl
    if op == 'mul':
        (ca, sa, ma, ea), (cb, sb, mb, eb) = vals
        sbit = f.sign if sa != sb else 0
        if INF in (ca, cb):
            if ZERO in (ca, cb):
                return f.indefinite, flags | MX_IE
            return sbit | f.expo, flags
        if ZERO in (ca, cb):
            return sbit, flags
        bits, fl = fp_round(f, sa ^ sb, ma * mb, ea + eb, False, rc, ftz)
        return bits, flags | fl
    if op == 'div':
        (ca, sa, ma, ea), (cb, sb, mb, eb) = vals
        sbit = f.sign if sa != sb else 0
        if ca == INF:
            if cb == INF:
                return f.indefinite, flags | MX_IE
            return sbit | f.expo, flags
        if cb == INF:
            return sbit, flags
        if cb == ZERO:
            if ca == ZERO:
                return f.indefinite, flags | MX_IE
            return sbit | f.expo, flags | MX_ZE
        if ca == ZERO:
            return sbit, flags
        k = max(0, f.p + 2 - ma.bit_length() + mb.bit_length())
        q, rem = divmod(ma << k, mb)
        bits, fl = fp_round(f, sa ^ sb, q, ea - eb - k, rem != 0, rc, ftz)
        return bits, flags | fl
    # the FMA rows: x*y + z with the product and/or z negated
    (cx, sx, mx, ex), (cy, sy, my, ey), (cz, sz, mz, ez) = vals
    ps = sx ^ sy ^ (op in ('fnmadd', 'fnmsub'))
    sz ^= op in ('fmsub', 'fnmsub')
    if INF in (cx, cy):
        if ZERO in (cx, cy) or (cz == INF and sz != ps):
            return f.indefinite, flags | MX_IE
        return (f.sign if ps else 0) | f.expo, flags
    if cz == INF:
        return (f.sign if sz else 0) | f.expo, flags
    bits, fl = _fp_sum(f, [(ps, mx * my, ex + ey), (sz, mz, ez)], rc, ftz)
    return bits, flags | fl


def fp_cmp3(a, b):
    """-1, 0 or 1 as a (decoded, not a NaN) is below, equal to or above
    b; zeros are equal whatever their signs."""
    fins = [v[3] for v in (a, b) if v[0] == FIN]
    base = min(fins) if fins else 0

    def num(v):
        cls, s, m, e = v
        if cls == INF:
            return -math.inf if s else math.inf
        x = m << (e - base) if cls == FIN else 0
        return -x if s else x
    x, y = num(a), num(b)
    return (x > y) - (x < y)


def fp_minmax(f, op, raws, daz):
    """One element of VMIN/VMAX (SDM operation MIN(SRC1, SRC2), MAX):
    SRC2 if either is a NaN, quiet or signalling (IE; the NaN is
    returned as it is, not quieted), or both are zeros; else SRC1 if it
    is below (above) SRC2, else SRC2.  DAZ applies first: a denormal it
    turns into a zero is returned as that zero (when SRC1 is a NaN
    too)."""
    vals = [fp_decode(f, r, daz) for r in raws]
    out = [r & f.sign if v[0] == ZERO else r for r, v in zip(raws, vals)]
    if any(v[0] >= QNAN for v in vals):
        return out[1], MX_IE
    flags = MX_DE if not daz and any(fp_denormal(f, r) for r in raws) \
        else 0
    if vals[0][0] == ZERO and vals[1][0] == ZERO:
        return out[1], flags
    o = fp_cmp3(*vals)
    return out[0] if (o < 0 if op == 'min' else o > 0) else out[1], flags


# VCMPPS/PD/SS/SD: imm8[4:0] (SDM vol. 2, VCMPPS, table "Comparison
# Predicate for VCMPPS and VCMPPD Instructions"): name, the outcomes of
# SRC1 ? SRC2 that make it true (G greater, L less, E equal, U
# unordered) and whether a QNaN operand signals IE (an SNaN always does)
FP_PRED = [
    ('EQ_OQ', 'E', 0), ('LT_OS', 'L', 1), ('LE_OS', 'LE', 1),
    ('UNORD_Q', 'U', 0), ('NEQ_UQ', 'GLU', 0), ('NLT_US', 'GEU', 1),
    ('NLE_US', 'GU', 1), ('ORD_Q', 'GLE', 0), ('EQ_UQ', 'EU', 0),
    ('NGE_US', 'LU', 1), ('NGT_US', 'LEU', 1), ('FALSE_OQ', '', 0),
    ('NEQ_OQ', 'GL', 0), ('GE_OS', 'GE', 1), ('GT_OS', 'G', 1),
    ('TRUE_UQ', 'GLEU', 0), ('EQ_OS', 'E', 1), ('LT_OQ', 'L', 0),
    ('LE_OQ', 'LE', 0), ('UNORD_S', 'U', 1), ('NEQ_US', 'GLU', 1),
    ('NLT_UQ', 'GEU', 0), ('NLE_UQ', 'GU', 0), ('ORD_S', 'GLE', 1),
    ('EQ_US', 'EU', 1), ('NGE_UQ', 'LU', 0), ('NGT_UQ', 'LEU', 0),
    ('FALSE_OS', '', 1), ('NEQ_OS', 'GL', 1), ('GE_OQ', 'GE', 0),
    ('GT_OQ', 'G', 0), ('TRUE_US', 'GLEU', 1),
]


def fp_comi(f, op, raws, daz):
    """V[U]COMISS/SD (op 'comi', 'ucomi'): (RFLAGS bits, flags); ZF,
    PF and CF all set when unordered, CF when SRC1 is below SRC2, ZF when
    equal; any NaN signals IE for VCOMIS*, only an SNaN for VUCOMIS*."""
    vals = [fp_decode(f, r, daz) for r in raws]
    if any(v[0] >= QNAN for v in vals):
        snan = any(v[0] == SNAN for v in vals)
        return ZF | PF | CF, MX_IE if snan or op == 'comi' else 0
    flags = MX_DE if not daz and any(fp_denormal(f, r) for r in raws) \
        else 0
    return {-1: CF, 0: ZF, 1: 0}[fp_cmp3(*vals)], flags


def fp_compare(f, imm, raws, daz):
    """One element of VCMP: (result, flags)."""
    _, holds, signalling = FP_PRED[imm & 0x1f]
    vals = [fp_decode(f, r, daz) for r in raws]
    if any(v[0] >= QNAN for v in vals):
        snan = any(v[0] == SNAN for v in vals)
        return 'U' in holds, MX_IE if snan or signalling else 0
    flags = MX_DE if not daz and any(fp_denormal(f, r) for r in raws) \
        else 0
    return 'LEG'[fp_cmp3(*vals) + 1] in holds, flags


# per mnemonic: format, scalar, kind ('arith', 'cmp', 'fma', 'comi'),
# operation ('add', ..., 'sqrt', 'cmp', 'fmadd', ..., 'fmaddsub', ...,
# 'comi', 'ucomi') and the FMA order
FP_ROWS = {}
for _mn, (_es, _scalar, _kind) in forms_fp.ROWS.items():
    FP_ROWS[_mn] = (BIN32 if _es == 4 else BIN64, _scalar, _kind,
                    _mn[1:-5] if _kind == 'fma' else _mn[1:-2],
                    _mn[-5:-2] if _kind == 'fma' else None)
# The FMA rows' x, y, z (of x*y + z) as indices into (DEST, SRC2, SRC3),
# from the operation sections: 132 is DEST*SRC3 + SRC2, 213 SRC2*DEST +
# SRC3, 231 SRC2*SRC3 + DEST
FMA_ORDER = {'132': (0, 2, 1), '213': (1, 0, 2), '231': (1, 2, 0)}


def fp_env(c):
    """(rounding, exceptions suppressed, DAZ, FTZ) of an instruction:
    {er} gives the rounding and, like {sae}, suppresses every exception
    (no MXCSR flag is set); MXCSR.RC otherwise."""
    mx = c.st.mxcsr
    r = next((o.n for o in c.i.ops if o.kind == 'r'), None)
    rc = mx >> MX_RC_SHIFT & 3 if r in (None, 4) else r
    return rc, r is not None, bool(mx & MX_DAZ), bool(mx & MX_FTZ)


def sem_fp(c, f, scalar, kind, op, order):
    """Group fp: per active element the operation of fp_arith,
    fp_minmax or fp_compare; MXCSR gains the flags of the active elements
    (none with {er} or {sae}).  Packed rows write as sem_int does; VCMP
    writes bit j of a k register (0 where masked off, KL..63 0); the
    scalar rows compute element 0 (masked by bit 0), take bits 127:32
    (127:64) from SRC1 (the FMA rows: DEST) and zero 511:128."""
    ops = [o for o in c.i.ops if o.kind in 'vmk']
    imm = next((o.n for o in c.i.ops if o.kind == 'i'), 0)
    rc, sae, daz, ftz = fp_env(c)
    if kind == 'comi':
        # no destination: SRC1 and SRC2, element 0, into RFLAGS
        raws = [c.velems(o, f.es, 1, [True])[0] for o in ops]
        zpc, fl = fp_comi(f, op, raws, daz)
        c.out.flags = (c.st.flags & ~FLAGS_OUT) | zpc
        if not sae:
            c.out.mxcsr = c.st.mxcsr | fl
        return
    dst, srcs = ops[0], ops[1:]
    es = f.es
    n = 1 if scalar else (srcs[0] if kind == 'cmp' else dst).size // es
    act = c.active(n)
    regs = [dst] + srcs if kind == 'fma' else srcs
    cols = [c.velems(o, es, n, act) for o in regs]
    flags, res = 0, []
    for j in range(n):
        if not act[j]:
            res.append(None)
            continue
        raws = [col[j] for col in cols]
        if kind == 'cmp':
            v, fl = fp_compare(f, imm, raws, daz)
        elif op in ('min', 'max'):
            v, fl = fp_minmax(f, op, raws, daz)
        elif kind == 'fma':
            # VFMADDSUB subtracts in the even elements and adds in the
            # odd ones, VFMSUBADD the other way round
            alt = {'fmaddsub': ('fmsub', 'fmadd'),
                   'fmsubadd': ('fmadd', 'fmsub')}.get(op, (op, op))
            v, fl = fp_arith(f, alt[j & 1],
                             [raws[i] for i in FMA_ORDER[order]], rc, daz,
                             ftz)
        else:           # VSQRTSS/SD: the root of SRC2
            v, fl = fp_arith(f, op, raws[-1:] if op == 'sqrt' else raws,
                             rc, daz, ftz)
        res.append(v)
        flags |= fl
    if not sae:
        c.out.mxcsr = c.st.mxcsr | flags
    if kind == 'cmp':
        c.out.k[dst.n] = sum(1 << j for j in range(n) if res[j])
    elif not scalar:
        c.vwrite(dst, es, res, act)
    else:
        src1 = c.z(dst.n if kind == 'fma' else srcs[0].n)
        low = res[0] if act[0] else 0 if c.i.zero else \
            elem(c.z(dst.n), es, 0)
        c.out.z[dst.n] = src1 & ((1 << 128) - 1) & ~emask(es) | low


def cvt_row(mn):
    """The row of forms_fp.CVT_ROWS of a conversion mnemonic (with or
    without the l/q suffix of a memory integer) and the integer's size
    the suffix gives (None without one), or (None, None)."""
    if mn in forms_fp.CVT_ROWS:
        return forms_fp.CVT_ROWS[mn], None
    if mn[-1:] in ('l', 'q') and mn[:-1] in forms_fp.CVT_ROWS:
        return forms_fp.CVT_ROWS[mn[:-1]], 4 if mn[-1] == 'l' else 8
    return None, None


def fp_to_int(f, raw, rc, daz, bits, unsigned):
    """One element to a bits-wide integer (VCVT[T]S*2[U]SI): (value as
    stored, flags).  NaN, infinity and what the integer cannot represent
    after rounding raise IE and give the integer indefinite: the most
    negative value, or 2^bits - 1 unsigned.  A negative number that
    rounds to 0 converts to 0 unsigned (inexact)."""
    cls, s, m, e = fp_decode(f, raw, daz)
    indefinite = (1 << bits) - 1 if unsigned else 1 << (bits - 1)
    de = MX_DE if not daz and fp_denormal(f, raw) else 0
    if cls in (INF, QNAN, SNAN):
        return indefinite, MX_IE
    if cls == ZERO:
        return 0, de
    q, inexact = (m << e, False) if e >= 0 else _rint(m, -e, False, rc, s)
    v = -q if s else q
    lo = 0 if unsigned else -(1 << (bits - 1))
    hi = (1 << bits) - 1 if unsigned else (1 << (bits - 1)) - 1
    if not lo <= v <= hi:
        return indefinite, MX_IE
    return v & ((1 << bits) - 1), (MX_PE if inexact else 0) | de


def int_to_fp(f, v, rc, ftz):
    """An integer to format f, rounded (VCVT[U]SI2S*): (bits, flags)."""
    if v == 0:
        return 0, 0
    return fp_round(f, 1 if v < 0 else 0, abs(v), 0, False, rc, ftz)


def sem_cvt(c, row=None):
    """The conversions between element 0 and a GPR or memory integer:
    VCVT[T]SS/SD2[U]SI write the GPR (a 32-bit one zero-extended);
    VCVT[U]SI2SS/SD write element 0 of DEST, bits 127:32 (127:64) from
    SRC1, 511:128 zeroed.  {er} rounds that instruction (VCVTT*: always
    toward zero) and, like {sae}, records no flag."""
    crow, isz = cvt_row(c.i.mn)
    es, way, unsigned, trunc = row or crow
    f = BIN32 if es == 4 else BIN64
    rc, sae, daz, ftz = fp_env(c)
    if trunc:
        rc = RZ
    ops = [o for o in c.i.ops if o.kind in 'vmg']
    if way == 'f2i':
        dst, src = ops
        v, fl = fp_to_int(f, c.velems(src, es, 1, [True])[0], rc, daz,
                          8 * dst.size, unsigned)
        c.out.gpr[dst.n] = v
    else:
        dst, src1, src2 = ops
        isz = src2.size if src2.kind == 'g' else isz
        raw = c.st.gpr[src2.n] if src2.kind == 'g' else \
            c.velems(src2, isz, 1, [True])[0]
        raw &= (1 << (8 * isz)) - 1
        v = raw if unsigned else sx(raw, 8 * isz)
        bits, fl = int_to_fp(f, v, rc, ftz)
        c.out.z[dst.n] = c.z(src1.n) & ((1 << 128) - 1) & ~emask(es) | bits
    if not sae:
        c.out.mxcsr = c.st.mxcsr | fl


def pcvt_row(mn):
    """The row of forms_fp.ALL_PCVT_ROWS of a mnemonic (a narrowing one's
    memory form may carry the x or y of its width) and that width in
    bytes (None without one), or (None, None)."""
    rows = forms_fp.ALL_PCVT_ROWS
    if mn in rows:
        return rows[mn], None
    if mn[-1:] in ('x', 'y') and mn[:-1] in rows:
        return rows[mn[:-1]], 16 if mn[-1] == 'x' else 32
    return None, None


def pcvt_count(insn):
    """The number of elements a packed conversion converts."""
    (ses, des, *_), width = pcvt_row(insn.mn)
    ops = [o for o in insn.ops if o.kind in 'vm']
    dst, src = ops[0], ops[-1]
    if des >= ses:
        return dst.size // des
    if src.kind == 'v':
        return src.size // ses
    if src.bcst:
        return src.bcst
    return (width or 64) // ses


def f2f(fs, fd, raw, rc, daz, ftz):
    """A binary32 element to binary64 or back: (bits, flags).  A NaN
    keeps its sign and the top of its payload, quieted (IE if it was
    signalling)."""
    cls, s, m, e = fp_decode(fs, raw, daz)
    sbit = fd.sign if s else 0
    if cls in (QNAN, SNAN):
        pay = raw & fs.frac
        pay = pay << (fd.mbits - fs.mbits) if fd.mbits > fs.mbits else \
            pay >> (fs.mbits - fd.mbits)
        return sbit | fd.expo | fd.quiet | pay, MX_IE if cls == SNAN else 0
    de = MX_DE if not daz and fp_denormal(fs, raw) else 0
    if cls == INF:
        return sbit | fd.expo, 0
    if cls == ZERO:
        return sbit, de
    bits, fl = fp_round(fd, s, m, e, False, rc, ftz)
    return bits, fl | de


def pcvt_elem(row, raw, rc, daz, ftz):
    """One element of a packed conversion: (bits, flags)."""
    ses, des, way, unsigned = row[:4]
    fs, fd = FP_FORMATS[ses], FP_FORMATS[des]
    if way == 'f2i':
        return fp_to_int(fs, raw, rc, daz, 8 * des, unsigned)
    if way == 'i2f':
        return int_to_fp(fd, raw if unsigned else sx(raw, 8 * ses), rc, ftz)
    return f2f(fs, fd, raw, rc, daz, ftz)


def sem_pcvt(c, row=None):
    """The packed conversions: element j of SRC converted to element j of
    DEST for the active elements (only those set flags); masking as
    usual, over the destination's elements; a narrowing one zeroes DEST
    from its last element up.  VCVTSS2SD/SD2SS: element 0, bits 127:64
    (127:32) from SRC1, 511:128 zeroed."""
    row = row or pcvt_row(c.i.mn)[0]
    ses, des, way, unsigned, trunc, scalar = row[:6]
    rc, sae, daz, ftz = fp_env(c)
    if trunc:
        rc = RZ
    ops = [o for o in c.i.ops if o.kind in 'vm']
    dst, src = ops[0], ops[-1]
    n = 1 if scalar else pcvt_count(c.i)
    act = c.active(n)
    col = c.velems(src, ses, n, act)
    res, flags = [], 0
    for j in range(n):
        if not act[j]:
            res.append(None)
            continue
        v, fl = pcvt_elem(row, col[j], rc, daz, ftz)
        res.append(v)
        flags |= fl
    if not sae:
        c.out.mxcsr = c.st.mxcsr | flags
    if scalar:
        scalar_write(c, dst, ops[1], des, res[0], act[0])
        return
    pad = dst.size // des - n
    c.vwrite(dst, des, res + [0] * pad, act + [True] * pad)


def f16_rc(insn, rc):
    """VCVTPS2PH's rounding: imm8[1:0], or rc (MXCSR.RC) if imm8[2]."""
    imm = next(o.n for o in insn.ops if o.kind == 'i')
    return rc if imm & 4 else imm & 3


def sem_f16(c, _mutant=None):
    """VCVTPH2PS: the binary16 elements of SRC (its low VL/2 bytes) to
    binary32, exactly: MXCSR.DAZ does not apply, and the only exception is
    invalid (an SNaN).  VCVTPS2PH: the binary32 elements of SRC to
    binary16, rounded by imm8[1:0] or (imm8[2]) MXCSR.RC, tiny results
    kept whatever MXCSR.FTZ says; into DEST's low VL/2 bytes (the rest
    zeroed) or to memory (only the active elements, no {z}).  Only the
    active elements set flags; {sae}: none."""
    rc, sae, daz, ftz = fp_env(c)
    ops = [o for o in c.i.ops if o.kind in 'vm']
    dst, src = ops
    res, flags = [], 0
    if c.i.mn == 'vcvtph2ps':
        n = dst.size // 4
        act = c.active(n)
        for j, x in enumerate(c.velems(src, 2, n, act)):
            v, fl = f2f(BIN16, BIN32, x, rc, daz and _mutant == 'daz',
                        False) if act[j] else (None, 0)
            res.append(v)
            flags |= fl & ~MX_DE
        c.vwrite(dst, 4, res, act)
    else:
        n = src.size // 4
        act = c.active(n)
        for j in range(n):
            v, fl = f2f(BIN32, BIN16, elem(c.z(src.n), 4, j),
                        rc if _mutant == 'imm' else f16_rc(c.i, rc), daz,
                        ftz and _mutant == 'ftz') if act[j] else (None, 0)
            res.append(v)
            flags |= fl
        if dst.kind == 'm':
            off = c.offset()
            for j in range(n):
                if act[j]:
                    c.mem.write(off + 2 * j, 2, res[j])
        else:
            pad = dst.size // 2 - n
            c.vwrite(dst, 2, res + [0] * pad, act + [True] * pad)
    if not sae:
        c.out.mxcsr = c.st.mxcsr | flags


# VFIXUPIMM: the imm8 bits that make a token signal divide-by-zero (ZE)
# and invalid (IE): token 2 (zero) bits 0 and 1, token 3 (+1.0) bits 2
# and 3, 1 (SNaN) bit 4, 4 (-inf) bit 5, 6 (negative) bit 6, 5 (+inf)
# bit 7
FIXUP_ZE = {2: 0x01, 3: 0x04}
FIXUP_IE = {2: 0x02, 3: 0x08, 1: 0x10, 4: 0x20, 6: 0x40, 5: 0x80}


def fp_fixup(f, dst, src, tbl, imm, daz, _mutant=None):
    """One element of VFIXUPIMM: (bits, flags).  tsrc is src, a zero of
    its sign for a denormal under DAZ; its class is a token j: 0 QNaN,
    1 SNaN, 2 zero, 3 +1.0, 4 -inf, 5 +inf, 6 another negative number,
    7 another positive one; response tbl[4j+3:4j] gives the result: 0
    DEST, 1 tsrc, 2 QNaN(tsrc), 3 the QNaN indefinite, 4 -inf, 5 +inf,
    6 inf of tsrc's sign, 7 -0, 8 +0, 9 -1, 10 +1, 11 1/2, 12 90.0,
    13 pi/2, 14 MAX_FLOAT, 15 -MAX_FLOAT."""
    cls, s, _, _ = fp_decode(f, src, daz and _mutant != 'daz')
    tsrc = src & f.sign if cls == ZERO else src
    one = f.bias << f.mbits
    j = {QNAN: 0, SNAN: 1, ZERO: 2}.get(cls)
    if j is None:
        j = (4 if s else 5) if cls == INF else \
            3 if tsrc == one and _mutant != 'one' else 6 if s else 7
    flags = (MX_ZE if imm & FIXUP_ZE.get(j, 0) else 0) | \
        (MX_IE if imm & FIXUP_IE.get(j, 0) else 0)
    code = 'f' if f.es == 4 else 'd'

    def const(x):
        return int.from_bytes(struct.pack('<' + code, x), 'little')
    resp = tbl >> (4 * j) & 15
    sbit = f.sign if s else 0
    if resp == 2 and _mutant == 'qnan':
        resp = 3
    out = {0: dst, 1: tsrc, 2: tsrc | f.expo | f.quiet, 3: f.indefinite,
           4: f.sign | f.expo, 5: f.expo, 6: sbit | f.expo, 7: f.sign,
           8: 0, 9: f.sign | one, 10: one, 11: const(0.5), 12: const(90.0),
           13: const(math.pi / 2), 14: f.maxfin,
           15: f.sign | f.maxfin}[resp]
    return out, flags


def sem_fixup(c, _mutant=None):
    """VFIXUPIMMPS/PD: per active element j, fp_fixup(DEST[j], SRC1[j],
    the low dword of SRC2[j] (or of the broadcast element)); VFIXUPIMMSS/
    SD: element 0, bits 127:32 (127:64) from SRC1, 511:128 zeroed.  Only
    the active elements signal; {sae}: none."""
    es, scalar = forms_fp.FIXUP_ROWS[c.i.mn]
    f = FP_FORMATS[es]
    _, sae, daz, _ = fp_env(c)
    imm = next(o.n for o in c.i.ops if o.kind == 'i')
    dst, src1, src2 = [o for o in c.i.ops if o.kind in 'vm']
    n = 1 if scalar else dst.size // es
    act = c.active(n)
    tbls = c.velems(src2, es, n, act)
    res, flags = [], 0
    for j in range(n):
        if not act[j]:
            res.append(None)
            continue
        tbl = tbls[j] >> (32 if _mutant == 'hi' else 0) & 0xffffffff
        v, fl = fp_fixup(f, elem(c.z(dst.n), es, j), elem(c.z(src1.n), es, j),
                         tbl, imm, daz, _mutant)
        res.append(v)
        flags |= fl
    if not sae:
        c.out.mxcsr = c.st.mxcsr | flags
    if scalar:
        scalar_write(c, dst, src1, es, res[0], act[0])
        return
    c.vwrite(dst, es, res, act)


def rcp14_elem(f, rsqrt, raw, daz, ftz, _mutant=None):
    """One element of VRCP14/VRSQRT14 as QEMU computes it: 1/x (1/sqrt x:
    the square root rounded first) rounded to nearest in f, DAZ and FTZ
    applied, no flag.  The SDM only bounds the relative error (2^-14; see
    rcp14_check): processors differ in the low bits."""
    if _mutant == 'daz':
        daz = False
    if rsqrt and _mutant != 'rcp':
        raw = fp_arith(f, 'sqrt', [raw], RN, daz, ftz)[0]
    return fp_arith(f, 'div', [f.bias << f.mbits, raw], RN, daz, ftz)[0]


def sem_rcp14(c, _mutant=None):
    """VRCP14PS/PD, VRSQRT14PS/PD: rcp14_elem per active element, masking
    as usual; the SS/SD rows: element 0, bits 127:32 (127:64) from SRC1,
    511:128 zeroed.  MXCSR is left as it is."""
    es, scalar = forms_fp.RCP14_ROWS[c.i.mn]
    f = FP_FORMATS[es]
    _, _, daz, ftz = fp_env(c)
    ops = [o for o in c.i.ops if o.kind in 'vm']
    dst, src = ops[0], ops[-1]
    n = 1 if scalar else dst.size // es
    act = c.active(n)
    col = c.velems(src, es, n, act)
    rsqrt = c.i.mn.startswith('vrsqrt')
    res = [rcp14_elem(f, rsqrt, col[j], daz, ftz, _mutant) if act[j] else None
           for j in range(n)]
    if _mutant == 'pe' and any(act):
        c.out.mxcsr = c.st.mxcsr | MX_PE
    if scalar:
        scalar_write(c, dst, ops[1], es, res[0], act[0])
        return
    c.vwrite(dst, es, res, act)


def fp_range(f, raws, imm, daz):
    """VRANGE (raws: SRC1, SRC2): an SNaN (SRC1's first) quieted, IE, no
    sign control; a QNaN gives way to the other source (SRC1 if both are
    QNaNs); else imm8[1:0]: 0 the smaller, 1 the greater, 2 the one of
    smaller magnitude, 3 of greater magnitude, opposite signs of equal
    magnitude picking the negative one for 0 and 2, the positive one for 1
    and 3 (SDM tables 'Signed Zero and NaN Handling'); DAZ makes a
    denormal the zero of its sign.  Then imm8[3:2]: the sign of SRC1, of
    the pick, 0 or 1."""
    vals = [fp_decode(f, r, daz) for r in raws]
    for r, v in zip(raws, vals):
        if v[0] == SNAN:
            return r | f.quiet, MX_IE
    a, b = [(f.sign if v[1] else 0) if v[0] == ZERO else r
            for r, v in zip(raws, vals)]
    (ca, sa, ma, ea), (cb, sb, mb, eb) = vals
    is_max, is_abs = imm & 1, imm & 2
    if cb == QNAN:
        r = a
    elif ca == QNAN:
        r = b
    else:
        def val(cls, sgn, m, e):
            x = math.inf if cls == INF else Fraction(m) * Fraction(2) ** e
            return -x if sgn and not is_abs else x
        x, y = val(ca, sa, ma, ea), val(cb, sb, mb, eb)
        if x == y and sa != sb:
            r = a if bool(sa) != bool(is_max) else b
        elif is_max:
            r = a if x > y else b
        else:
            r = a if x < y else b
    ctl = imm >> 2 & 3
    if ctl == 0:
        r = r & ~f.sign | raws[0] & f.sign
    elif ctl == 2:
        r &= ~f.sign
    elif ctl == 3:
        r |= f.sign
    return r, 0


def fp_reduce(f, raw, imm, rc, daz):
    """VREDUCE: SRC - 2^-M * ROUND(2^M * SRC), M = imm8[7:4], both the
    rounding and the subtraction as imm8[1:0] or (imm8[2]) MXCSR.RC say,
    PE from either unless imm8[3] (SDM: 'subtraction under the same RC,
    SPE controls'); the difference is never tiny and inexact, so FTZ does
    not apply; a zero difference is +0, -0 when rounding down; an
    infinity gives +0, a NaN itself quieted (IE if it signals)."""
    cls, s, m, e = fp_decode(f, raw, daz)
    if cls in (QNAN, SNAN):
        return raw | f.quiet, MX_IE if cls == SNAN else 0
    if cls == INF:
        return 0, 0
    mode = rc if imm & 4 else imm & 3
    zero = f.sign if mode == RD else 0
    sc = imm >> 4
    if cls == ZERO or e + sc >= 0:
        return zero, 0
    q, inexact = _rint(m, -(e + sc), False, mode, s)
    pe = MX_PE if inexact and not imm & 8 else 0
    d = m - (q << -(e + sc))
    if d == 0:
        return zero, pe
    return fp_round(f, s ^ (d < 0), abs(d), e, False, mode, False)[0], pe


def fp_special(f, op, raws, imm, rc, daz, ftz):
    """One element of VRNDSCALE (raws: SRC), VGETEXP (SRC), VSCALEF
    (SRC1, SRC2), VRANGE (SRC1, SRC2) or VREDUCE (SRC): (bits, flags)."""
    if op == 'range':
        return fp_range(f, raws, imm, daz)
    if op == 'reduce':
        return fp_reduce(f, raws[0], imm, rc, daz)
    vals = [fp_decode(f, r, daz) for r in raws]
    de = MX_DE if not daz and any(fp_denormal(f, r) for r in raws) else 0
    nan = _fp_nan(f, raws, vals)
    if nan is not None:
        return nan, MX_IE if any(v[0] == SNAN for v in vals) else 0
    cls, s, m, e = vals[0]
    sbit = f.sign if s else 0
    if op == 'rndscale':
        # 2^-M * round(2^M * x), M = imm8[7:4], rounded as imm8[1:0] or
        # MXCSR.RC (imm8[2]) says; imm8[3]: no PE
        if cls != FIN:
            return sbit | (f.expo if cls == INF else 0), de
        sc = imm >> 4
        if e + sc >= 0:
            return raws[0], de
        q, inexact = _rint(m, -(e + sc), False,
                           rc if imm & 4 else imm & 3, s)
        pe = MX_PE if inexact and not imm & 8 else 0
        if q == 0:
            return sbit, pe | de
        return fp_round(f, s, q, -sc, False, RN, False)[0], pe | de
    if op == 'getmant':
        # the mantissa in the interval imm8[1:0]; sign: SRC's or (imm8[2])
        # positive; imm8[3]: a negative number (not a zero) is invalid;
        # 1.0 for a zero or an infinity
        if s and imm & 8 and cls != ZERO:
            return f.indefinite, MX_IE
        sbit = 0 if imm & 4 else sbit
        one = (f.bias << f.mbits)
        if cls != FIN:
            return sbit | one, de
        top = m.bit_length() - 1
        frac = (m << (f.mbits - top)) & f.frac
        ue = e + top
        ne = {0: f.bias, 1: f.bias - (ue & 1), 2: f.bias - 1,
              3: f.bias - (frac >> (f.mbits - 1) & 1)}[imm & 3]
        return sbit | ne << f.mbits | frac, de
    if op == 'getexp':
        # floor(log2(|x|)); -inf for a zero, +inf for an infinity
        if cls == INF:
            return f.expo, de
        if cls == ZERO:
            return f.sign | f.expo, de
        return int_to_fp(f, e + m.bit_length() - 1, RN, False)[0], de
    # scalef: SRC1 * 2^floor(SRC2)
    cb, sb, mb, eb = vals[1]
    if cb == INF:
        if (sb and cls == INF) or (not sb and cls == ZERO):
            return f.indefinite, MX_IE
        return sbit | (0 if sb else f.expo), de
    if cls in (ZERO, INF):
        return sbit | (f.expo if cls == INF else 0), de
    if cb == ZERO:
        n = 0
    else:
        q = mb << eb if eb >= 0 else mb >> -eb
        n = -q - (1 if eb < 0 and mb & ((1 << -eb) - 1) else 0) if sb \
            else q
    n = max(min(n, 4096), -4096)
    bits, fl = fp_round(f, s, m, e + n, False, rc, ftz)
    return bits, fl | de


def sem_special(c):
    """VRNDSCALE, VGETEXP and VSCALEF, per active element (only those set
    flags); the scalar rows compute element 0 and take bits 127:32
    (127:64) from SRC1.  {sae} suppresses every flag, {er} rounds."""
    es, scalar, op, _ = forms_fp.ALL_SPECIAL_ROWS[c.i.mn]
    f = BIN32 if es == 4 else BIN64
    rc, sae, daz, ftz = fp_env(c)
    imm = next((o.n for o in c.i.ops if o.kind == 'i'), 0)
    ops = [o for o in c.i.ops if o.kind in 'vm']
    dst, srcs = ops[0], ops[1:]
    n = 1 if scalar else dst.size // es
    act = c.active(n)
    if op not in ('scalef', 'range'):
        srcs = srcs[-1:]
    cols = [c.velems(o, es, n, act) for o in srcs]
    res, flags = [], 0
    for j in range(n):
        if not act[j]:
            res.append(None)
            continue
        v, fl = fp_special(f, op, [col[j] for col in cols], imm, rc, daz,
                           ftz)
        res.append(v)
        flags |= fl
    if not sae:
        c.out.mxcsr = c.st.mxcsr | flags
    if scalar:
        scalar_write(c, dst, ops[1], es, res[0], act[0])
    else:
        c.vwrite(dst, es, res, act)


def fpclass_row(mn):
    """(element size, scalar, width of the memory operand or None) of a
    VFPCLASS mnemonic (the memory forms carry x, y or z), or None."""
    if mn in forms_fp.FPCLASS_ROWS:
        return forms_fp.FPCLASS_ROWS[mn] + (None,)
    if mn[-1:] in ('x', 'y', 'z') and mn[:-1] in forms_fp.FPCLASS_ROWS:
        return forms_fp.FPCLASS_ROWS[mn[:-1]] + ({'x': 16, 'y': 32,
                                                  'z': 64}[mn[-1]],)
    return None


def fp_class_bits(f, raw, daz):
    """The VFPCLASS imm8 bits of a number's class: 01H QNaN, 02H +0, 04H
    -0, 08H +inf, 10H -inf, 20H denormal, 40H negative finite, 80H SNaN
    (CheckFPClass in the SDM; MXCSR.DAZ makes a denormal the zero of its
    sign)."""
    cls, s, _, _ = fp_decode(f, raw, daz)
    if cls == FIN:
        return (0 if raw & f.expo else 0x20) | (0x40 if s else 0)
    return {QNAN: 0x01, SNAN: 0x80, ZERO: 0x04 if s else 0x02,
            INF: 0x10 if s else 0x08}[cls]


def sem_fpclass(c):
    """VFPCLASSPS/PD/SS/SD: bit j of DEST (an opmask) := imm8 selects a
    class of SRC element j, where element j is active; the others and the
    bits from KL up are 0; memory elements masked off are not read."""
    es, scalar, width = fpclass_row(c.i.mn)
    dst, src, imm = [o for o in c.i.ops if o.kind in 'kvmi']
    if src.kind == 'v':
        n = 1 if scalar else src.size // es
    else:
        n = 1 if scalar else src.bcst or width // es
    act = c.active(n)
    vals = c.velems(src, es, n, act)
    daz = bool(c.st.mxcsr & MX_DAZ)
    f = FP_FORMATS[es]
    c.out.k[dst.n] = sum(1 << j for j in range(n) if act[j] and
                         fp_class_bits(f, vals[j], daz) & imm.n)


def semantics(c):
    mn = c.i.mn
    if mn in SEM_PATCH:
        return SEM_PATCH[mn](c)
    if fpclass_row(mn):
        return sem_fpclass(c)
    if mn in forms_fp.ALL_SPECIAL_ROWS:
        return sem_special(c)
    if mn in forms_fp.F16_ROWS:
        return sem_f16(c)
    if mn in forms_fp.FIXUP_ROWS:
        return sem_fixup(c)
    if mn in forms_fp.RCP14_ROWS:
        return sem_rcp14(c)
    if cvt_row(mn)[0]:
        return sem_cvt(c)
    if pcvt_row(mn)[0]:
        return sem_pcvt(c)
    if mn in FP_ROWS:
        return sem_fp(c, *FP_ROWS[mn])
    if mn in INT_ROWS:
        return sem_int(c, *INT_ROWS[mn])
    if mn in CMP_ROWS:
        return sem_cmp(c, *CMP_ROWS[mn])
    if mn.startswith('vpmov') and mn in forms_cmp.MNEMONICS:
        return sem_movm(c)
    if mn.startswith('vpbroadcastm'):
        return sem_bcstm(c)
    if mn in forms_shuf.KIND:
        return sem_shuf(c)
    if mn in SHIFT_ROWS:
        return sem_shift(c, *SHIFT_ROWS[mn])
    if mn in PERM_ROWS:
        return sem_perm(c)
    if mn in forms_trunc.MNEMONICS:
        return sem_trunc(c)
    if mn in PACKED:
        return sem_packed_move(c, *PACKED[mn])
    if mn in ('vmovss', 'vmovsd'):
        return sem_movs(c, 4 if mn == 'vmovss' else 8)
    if mn in ('vmovd', 'vmovq'):
        return sem_movdq(c, 4 if mn == 'vmovd' else 8)
    if mn.startswith('k'):
        return sem_k(c)
    if mn in ('vpblendmb', 'vpblendmw'):
        return sem_blend(c, ESIZE_LETTER[mn[-1]])
    if mn in ('vblendmps', 'vpblendmd'):
        return sem_blend(c, 4)
    if mn in ('vblendmpd', 'vpblendmq'):
        return sem_blend(c, 8)
    if mn in ('vpaddd', 'vpaddq'):
        return sem_padd(c, 4 if mn == 'vpaddd' else 8)
    m = BROADCAST_RE.match(mn)
    if m:
        if m.group(1):
            es = {'b': 1, 'w': 2, 'ss': 4, 'd': 4}.get(m.group(1), 8)
            return sem_broadcast(c, es, es)
        es = int(m.group(2)) // 8
        return sem_broadcast(c, es, es * int(m.group(3)))
    raise ModelError(f'no model for {mn}')


def model(insn, st, features=ALL_FEATURES, unfaulting_stores=False):
    """The expected Outcome of insn on the input state st.  With
    unfaulting_stores, stores outside the page succeed (what a store
    would write if it did not fault: to recognise partial stores)."""
    if not set(insn.feature.split('+')) <= set(features):
        return Outcome(exc='UD', gpr=list(st.gpr), flags=st.flags,
                       mxcsr=st.mxcsr)
    c = Ctx(insn, st, unfaulting_stores)
    try:
        semantics(c)
    except Fault as f:
        return Outcome(exc=str(f), gpr=list(st.gpr), flags=st.flags,
                       mxcsr=st.mxcsr)
    c.out.mem = c.mem.writes
    return c.out


# ---- traces (diff.c --trace) -------------------------------------------

def hexint(h):
    return int.from_bytes(bytes.fromhex(h), 'little')


def parse_fields(words):
    d = {}
    for w in words:
        key, _, val = w.partition('=')
        d[key] = val
    return d


def parse_input(words, scratch):
    d = parse_fields(words)
    z = {int(k[1:]): hexint(v) for k, v in d.items()
         if k.startswith('z')}
    return State(z=z, k=[int(x, 16) for x in d['k'].split(',')],
                 gpr=[int(x, 16) for x in d['g'].split(',')],
                 flags=int(d['f'], 16), mxcsr=int(d['x'], 16),
                 off=int(d['off']), mem=bytes.fromhex(d.get('m', '')),
                 scratch=scratch)


def parse_output(words):
    """{'sig': (sig, code, at)} or {'gpr', 'flags', 'mxcsr', 'z', 'k'},
    and 'mem': {offset: byte}."""
    out = {'z': {}, 'k': {}, 'mem': {}}
    for w in words:
        key, _, val = w.partition('=')
        if key == 'sig':
            out['sig'] = tuple(int(x) for x in val.split(','))
        elif key == 'g':
            out['gpr'] = [int(x, 16) for x in val.split(',')]
        elif key == 'f':
            out['flags'] = int(val, 16)
        elif key == 'x':
            out['mxcsr'] = int(val, 16)
        elif key[0] == 'z':
            out['z'][int(key[1:])] = hexint(val)
        elif key[0] == 'k':
            out['k'][int(key[1:])] = int(val, 16)
        elif key[0] == 'M':
            for i, b in enumerate(bytes.fromhex(val)):
                out['mem'][int(key[1:]) + i] = b
    return out


SIGILL, SIGSEGV, SI_KERNEL = 4, 11, 0x80


def exc_name(sig):
    """What diff.c's digest distinguishes of a signal (sig, code, at)."""
    s, code, at = sig
    name = {SIGILL: 'UD', SIGSEGV: 'GP' if code == SI_KERNEL else 'PF'}
    return name.get(s, f'signal {s}') + ('' if at == 0 else
                                         f' at insn{at:+d}')


def zhex(v):
    return '_'.join(f'{v >> (64 * i) & ONES64:016x}'
                    for i in reversed(range(8)))


def differences(st, exp, got):
    """The fields where the actual output got differs from the Outcome
    exp of input st, as text."""
    diff = []
    g_exc = exc_name(got['sig']) if 'sig' in got else None
    if exp.exc != g_exc:
        diff.append(f'exception: expected {exp.exc or "none"}, got '
                    f'{g_exc or "none"}')
    if exp.exc is None and g_exc is None:
        for i in range(4):
            if exp.gpr[i] != got['gpr'][i]:
                diff.append(f'GPR slot {SLOTS[i]}: expected '
                            f'{exp.gpr[i]:016x}, got {got["gpr"][i]:016x}')
        if (exp.flags ^ got['flags']) & FLAGS_OUT:
            diff.append(f'RFLAGS (& {FLAGS_OUT:#x}): expected '
                        f'{exp.flags & FLAGS_OUT:#x}, got '
                        f'{got["flags"] & FLAGS_OUT:#x}')
        if (exp.mxcsr ^ got['mxcsr']) & ~MXCSR_DE:
            diff.append(f'MXCSR: expected {exp.mxcsr:#x}, got '
                        f'{got["mxcsr"]:#x}')
        want = {n: v for n, v in exp.z.items() if v != st.z.get(n)}
        for n in sorted(set(want) | set(got['z'])):
            if want.get(n) != got['z'].get(n):
                w = zhex(want[n]) if n in want else 'unchanged'
                g = zhex(got['z'][n]) if n in got['z'] else 'unchanged'
                diff.append(f'zmm{n}: expected {w}, got {g}' +
                            (f' (input {zhex(st.z[n])})' if n in st.z
                             else ''))
        want = {n: v for n, v in exp.k.items() if v != st.k[n]}
        for n in sorted(set(want) | set(got['k'])):
            if want.get(n) != got['k'].get(n):
                w = f'{want[n]:016x}' if n in want else 'unchanged'
                g = f'{got["k"][n]:016x}' if n in got['k'] else 'unchanged'
                diff.append(f'k{n}: expected {w}, got {g} (input '
                            f'{st.k[n]:016x})')
    base = max(st.off, 0)
    old = {base + i: b for i, b in enumerate(st.mem)}
    want = {o: b for o, b in exp.mem.items() if old.get(o) != b}
    if want != got['mem']:
        offs = sorted(set(want) | set(got['mem']))
        diff.append(
            f'memory [{offs[0]}, {offs[-1] + 1}) of the scratch page: '
            f'expected {mem_text(want, old, offs)}, got '
            f'{mem_text(got["mem"], old, offs)}')
    return diff


def mem_text(writes, old, offs):
    if not writes:
        return 'unchanged'
    return ''.join(f'{writes[o]:02x}' if o in writes else '..'
                   for o in range(offs[0], offs[-1] + 1))


def compare(lines, names=None, features=ALL_FEATURES):
    """Check the output of diff.c --trace against the model.  Yields
    (form, case, input State, expected Outcome, actual output (see
    parse_output), differences as text) for every case of the forms in
    names (None: all in the trace)."""
    form = insn = None
    cache = {}
    for line in lines:
        if line.startswith('AVX512-TRACE: form '):
            w = line.split()
            name, scratch = w[2], int(w[3].split('=')[1], 16)
            form = FORMS.get(name) if names is None or name in names \
                else None
            if form:
                if name not in cache:
                    cache[name] = parse(form)
                insn = cache[name]
            continue
        if form is None or line[:2] not in ('I ', 'O '):
            continue
        words = line.split()
        if words[0] == 'I':
            case, st = int(words[1]), parse_input(words[2:], scratch)
            continue
        exp = model(insn, st, features)
        got = parse_output(words[2:])
        yield form, case, st, exp, got, differences(st, exp, got)


def state_text(insn, st):
    """The input state of a case, as far as the form uses it."""
    lines = [f'zmm{n} {zhex(v)}' for n, v in sorted(st.z.items())]
    lines.append('k0-k7 ' + ' '.join(f'{x:x}' for x in st.k))
    lines.append('GPR slots ' + ' '.join(
        f'{s}={v:016x}' for s, v in zip(SLOTS, st.gpr)) +
        f' RFLAGS={st.flags:#x} MXCSR={st.mxcsr:#x}')
    if any(o.kind == 'm' for o in insn.ops):
        lines.append(f'memory operand at scratch{st.off:+d}: '
                     f'{st.mem.hex() or "(in a guard page)"}')
    return lines


# ---- self-check ----------------------------------------------------------

F32 = [0, 0x80000000, 0x7f800000, 0x7fc00000, 0x7fa00000, 1, 0x3f800000]
INTS = [0, 1, ONES64, 0x80, 0x8000, 0x80000000, 1 << 63, 0x7fffffff]


def rand_lane(r):
    kind = r.randrange(4)
    if kind == 0:
        return r.getrandbits(64)
    if kind == 1:
        return r.choice(F32) | r.choice(F32) << 32
    if kind == 2:
        return r.choice(INTS)
    return r.getrandbits(8)


# signed and unsigned dword boundaries (group int)
D_EDGES = [0, 1, 2, 0xffffffff, 0xfffffffe, 0x7fffffff, 0x7ffffffe,
           0x80000000, 0x80000001, 0xffff, 0x10000]


def rand_int_lane(r):
    """A lane of group int: two boundary dwords, a boundary qword or
    random bits."""
    kind = r.randrange(4)
    if kind < 2:
        return r.choice(D_EDGES) | r.choice(D_EDGES) << 32
    if kind == 2:
        return r.choice(INTS + [ONES64 - 1, (1 << 63) + 1, 0xffffffff])
    return r.getrandbits(64)


def cmp_lanes(r):
    """Group cmp: a function giving lanes from a palette of four values
    drawn now (so that elements of the two sources are often equal): the
    palette holds boundary values, neighbours of its other entries (per
    qword or dword), sign-flipped partners and complements."""
    pal = []
    for _ in range(4):
        p = r.choice(pal) if pal else 0
        kind = r.randrange(8 if pal else 3)
        if kind == 0:
            v = rand_int_lane(r)
        elif kind == 1:
            v = r.choice(INTS + [ONES64 - 1, (1 << 63) + 1, 0xffffffff])
        elif kind == 2:
            v = r.getrandbits(64)
        elif kind == 3:
            v = p + r.choice([1, -1])
        elif kind == 4:
            v = sum((elem(p, 4, j) + r.choice([0, 1, -1]) & 0xffffffff)
                    << (32 * j) for j in range(2))
        elif kind == 5:
            v = p ^ 0x80000000_80000000
        elif kind == 6:
            v = p ^ 1 << 63
        else:
            v = ~p if r.randrange(2) else p & (p - 1)
        pal.append(v & ONES64)

    def lane(r):
        kind = r.randrange(8)
        if kind < 5:
            return r.choice(pal)
        if kind == 5:
            return r.choice(pal) & 0xffffffff | \
                r.choice(pal) & ~0xffffffff & ONES64
        return rand_int_lane(r) if kind == 6 else r.getrandbits(64)
    return lane


# group shuf: VPTERNLOG's minterm patterns (0xf0.., 0xcc.., 0xaa.. as
# DEST, SRC1, SRC2) and their complements
SHUF_PATTERNS = [0, ONES64, 0xf0f0f0f0f0f0f0f0, 0xcccccccccccccccc,
                 0xaaaaaaaaaaaaaaaa, 0x0f0f0f0f0f0f0f0f, 0x3333333333333333,
                 0x5555555555555555]


def rand_shuf_lane(r):
    """A lane of group shuf: random bits (distinct elements), sign
    boundaries of bytes, words or dwords (0, 1, MAX, MIN, MIN + 1, -2,
    -1) or a minterm pattern."""
    kind = r.randrange(4)
    if kind < 2:
        return r.getrandbits(64)
    if kind == 2:
        b = r.choice((8, 16, 32))
        m = 1 << (b - 1)
        edges = [0, 1, m - 1, m, m + 1, 2 * m - 2, 2 * m - 1]
        return sum(r.choice(edges) << i for i in range(0, 64, b))
    return r.choice(SHUF_PATTERNS)


# shift counts (group shift): below, at and above 32 and 64, huge, and
# huge with small low bits
D_COUNTS = [0, 1, 2, 7, 16, 31, 32, 33, 63, 64, 255, 256, 0x7fffffff,
            0x80000000, 0xffffffff, 0xffffffe1]
Q_COUNTS = [0, 1, 2, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256,
            0xffffffff, 1 << 32, (1 << 32) + 1, (1 << 32) + 32, 1 << 63,
            ONES64, ONES64 - 62]


def rand_shift_lane(r, first=False):
    """A lane of group shift: a qword count, two dword counts, small
    counts, boundary data or random bits; the first lane of a register
    or of the memory operand is half of the time a count 0-69 (the
    xmm/m128 count)."""
    if first and r.randrange(2):
        return r.randrange(70)
    kind = r.randrange(6)
    if kind == 0:
        return r.choice(Q_COUNTS)
    if kind == 1:
        return r.choice(D_COUNTS) | r.choice(D_COUNTS) << 32
    if kind == 2:
        return r.randrange(70) << 32 | r.randrange(40)
    if kind == 3:
        return r.randrange(70)
    if kind == 4:
        return rand_int_lane(r)
    return r.getrandbits(64)


def rand_perm_dword(r):
    """Group perm: an index 0-31 (every table-select and lane bit at
    every width), the same with garbage in the unused bits, an edge value
    or random bits."""
    kind = r.randrange(4)
    if kind == 0:
        return r.randrange(32)
    if kind == 1:
        return r.randrange(32) | r.getrandbits(32) & ~31
    if kind == 2:
        return r.choice([0xffffffff, 0x80000000, 0x7fffffff, 3, 4, 7, 8, 15,
                         16, 31, 32, 64, 0xff])
    return r.getrandbits(32)


def rand_perm_lane(r):
    """A lane of group perm: two index dwords, a qword index (garbage in
    bits 63:5 now and then) or random data."""
    kind = r.randrange(4)
    if kind < 2:
        return rand_perm_dword(r) | rand_perm_dword(r) << 32
    if kind == 2:
        return r.randrange(32) | (r.getrandbits(64) & ~31 if r.randrange(2)
                                  else 0)
    return r.getrandbits(64)


def rand_sat_edge(r, bits):
    """A saturation limit of a down-convert (signed MAX, MIN or unsigned
    MAX of bytes, words or dwords narrower than bits), the source's
    MIN or a small number, give or take 1."""
    b = r.choice([8, 16, 32] if bits == 64 else [8, 16])
    v = r.choice([(1 << (b - 1)) - 1, -(1 << (b - 1)), (1 << b) - 1,
                  1 << (bits - 1), r.randrange(3)])
    return v + r.choice([0, 0, 1, -1]) & ((1 << bits) - 1)


def rand_trunc_lane(r):
    """A lane of group trunc: a boundary qword, two boundary dwords, a
    small number of either sign, random bits or a lane of the moves."""
    kind = r.randrange(8)
    if kind < 3:
        return rand_sat_edge(r, 64)
    if kind < 5:
        return rand_sat_edge(r, 32) | rand_sat_edge(r, 32) << 32
    if kind == 5:
        return r.randrange(-300, 300) & ONES64 if r.randrange(2) else \
            sum((r.randrange(-300, 300) & 0xffffffff) << (32 * i)
                for i in range(2))
    return r.getrandbits(64) if kind == 6 else rand_lane(r)


# group fp: special values (typed anew, in the spirit of diff.c's pools)
FP_SPECIAL = {
    4: [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
        0x7fd00001, 0xffffffff, 0x7f800001, 0xff800002, 0x7fbfffff,
        0xffa5a5a5, 1, 0x80000001, 0x007fffff, 0x807ffffe, 0x00400000,
        0x00800000, 0x80800000, 0x00800001, 0x7f7fffff, 0xff7fffff,
        0x3f800000, 0xbf800000, 0x3f800001, 0x3f7fffff, 0x40000000,
        0x3f000000, 0x33800000, 0x34000000],
    8: [0, 1 << 63, 0x7ff0 << 48, 0xfff0 << 48, 0x7ff8 << 48,
        0xfff8 << 48, 0x7ff8_0000_dead_beef, ONES64,
        0x7ff0_0000_0000_0001, 0xfff4 << 48, 0x7ff7_ffff_ffff_ffff, 1,
        (1 << 63) | 1, (1 << 52) - 1, 1 << 51, 1 << 52, (1 << 63) | 1 << 52,
        (1 << 52) | 1, 0x7fef_ffff_ffff_ffff, 0xffef_ffff_ffff_ffff,
        0x3ff0 << 48, 0xbff0 << 48, (0x3ff0 << 48) | 1,
        0x3fef_ffff_ffff_ffff, 0x4000 << 48, 0x3fe0 << 48, 0x3ca0 << 48,
        0x3cb0 << 48],
    # binary16: zeros, infinities, QNaNs and SNaNs with payloads, the
    # denormals' ends, the smallest normals, the largest finite numbers,
    # 1.0 and its neighbours, 2.0, 0.5
    2: [0, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7e5a, 0x7c01, 0xfd55,
        0xffff, 1, 0x8001, 0x03ff, 0x83fe, 0x0200, 0x0400, 0x8400, 0x0401,
        0x7bff, 0xfbff, 0x3c00, 0xbc00, 0x3c01, 0x3bff, 0x4000, 0x3800],
}


def fp_lanes(r, f):
    """Group fp: a function giving lanes of elements of format f from a
    palette of four values drawn now (equal elements, negations, values
    one ulp away, rounded products and quotients that put a product near
    the underflow or overflow threshold; in a quarter of the cases four
    special values), or new values: special ones, values of moderate
    exponent, near the thresholds, small integers and halves, random
    bits."""
    width = 8 * f.es

    def value():
        kind = r.randrange(8)
        if kind < 3:
            return r.choice(FP_SPECIAL[f.es])
        sign = r.getrandbits(1) << (width - 1)
        frac = r.getrandbits(f.mbits)
        if kind < 5:
            e = f.bias - 6 + r.randrange(13)
            if r.randrange(2):
                frac &= ~((1 << (f.mbits - r.randrange(6))) - 1)
        elif kind == 5:
            e = r.choice([0, 1 + r.randrange(f.p + 2),
                          2 * f.bias - r.randrange(f.p + 2)])
        elif kind == 6:         # exact in any format
            x = r.randrange(-8, 9) / r.choice([1, 2])
            return int.from_bytes(struct.pack({2: '<e', 4: '<f', 8: '<d'}[
                f.es], x), 'little')
        else:
            return r.getrandbits(width)
        return sign | e << f.mbits | frac

    def rn(op, a, b):
        return fp_arith(f, op, [a, b], RN, False, False)[0]

    pal = []
    special = r.randrange(4) == 0       # a palette of special values only
    for _ in range(4):
        p = r.choice(pal) if pal else 0
        kind = -1 if special else r.randrange(8) if pal else 0
        if kind == -1:
            v = r.choice(FP_SPECIAL[f.es])
        elif kind == 2:
            v = p ^ f.sign
        elif kind == 3:
            v = (p + r.choice([1, -1])) & ((1 << width) - 1)
        elif kind in (4, 5):
            v = rn('mul', p, r.choice(pal)) ^ r.choice([0, f.sign])
        elif kind == 6:                 # times 2 or 1/2
            v = rn('mul', p, r.choice({2: [0x4000, 0x3800],
                                       4: [0x40000000, 0x3f000000],
                                       8: [0x4000 << 48, 0x3fe0 << 48]}[
                                           f.es]))
        elif kind == 7:
            v = rn('div', r.choice([f.maxfin, 1 << f.mbits]), p)
        else:
            v = value()
        pal.append(v)

    def element():
        kind = r.randrange(8)
        return value() if kind == 0 else r.getrandbits(width) \
            if kind == 1 else r.choice(pal)

    def lane(_):
        return sum(element() << (width * j) for j in range(8 // f.es))
    return lane


def fp_partners(r, insn, st):
    """Group fp: in half the elements (three quarters of the scalar
    rows' element 0), make source elements of the case st (registers and
    the memory operand's bytes) partners: equal, negated, one ulp apart,
    half an ulp of the other (a tie when added), a pair whose product is
    near the underflow or overflow threshold (both of full precision), a
    denormal and a power of two, infinity and zero; the FMA rows: z the
    rounded product x*y or its negation (cancellation), or inf * 0 + a
    NaN or another special z."""
    f, scalar, kind, _, order = FP_ROWS[insn.mn]
    es, width = f.es, 8 * f.es
    srcs = []
    for o in insn.ops[0 if kind == 'fma' else 1:]:
        if o.kind in 'vm' and o not in srcs:
            srcs.append(o)
    if len(srcs) < 2:
        return
    if kind == 'fma' and len(srcs) == 3:
        srcs = [srcs[i] for i in FMA_ORDER[order]]      # x, y, z
    mem, base = bytearray(st.mem), max(st.off, 0)

    def where(o, j):
        """The element's offset in st.mem, or None if it is not there."""
        at = st.off + (0 if o.bcst else es * j) - base
        return at if 0 <= at and at + es <= len(mem) else None

    def get(o, j):
        if o.kind == 'v':
            return elem(st.z[o.n], es, j)
        at = where(o, j)
        return None if at is None else \
            int.from_bytes(mem[at:at + es], 'little')

    def put(o, j, v):
        if o.kind == 'v':
            st.z[o.n] = st.z[o.n] & ~(emask(es) << 8 * es * j) | \
                v << 8 * es * j
        elif where(o, j) is not None:
            mem[where(o, j):where(o, j) + es] = v.to_bytes(es, 'little')

    for j in range(1 if scalar else 64 // es):
        if r.randrange(4) >= (3 if scalar else 2):
            continue
        a, b = r.sample(srcs[:2], 2)
        x = get(a, j)
        how = r.randrange(10)
        new = []
        if how < 3 and x is not None:
            new = [(b, [x, x ^ f.sign, (x + r.choice([1, -1])) &
                        ((1 << width) - 1)][how])]
        elif how == 7 and x is not None and \
                (x & f.expo) >> f.mbits > f.p:
            new = [(b, r.choice([0, f.sign]) |
                    (x & f.expo) - (f.p << f.mbits))]
        elif how in (3, 8):
            t, e = r.choice([(f.maxfin, f.emax), (1 << f.mbits, f.emin)])
            x = r.getrandbits(1) << (width - 1) | \
                (e // 2 + r.randrange(-3, 4) + f.bias) << f.mbits | \
                r.getrandbits(f.mbits)
            new = [(a, x), (b, fp_arith(f, 'div', [t, x], r.randrange(4),
                                        False, False)[0])]
        elif how in (4, 9):
            new = [(a, r.getrandbits(1) << (width - 1) |
                    r.getrandbits(f.mbits)),
                   (b, r.getrandbits(1) << (width - 1) |
                    (f.bias + r.randrange(-2, 3)) << f.mbits)]
        elif how == 5 and len(srcs) == 3:
            xy = [get(o, j) for o in srcs[:2]]
            if None not in xy:
                p = fp_arith(f, 'mul', xy, r.randrange(4), False, False)[0]
                new = [(srcs[2], p ^ r.choice([0, f.sign]))]
        elif how == 6:
            new = [(a, f.expo | r.choice([0, f.sign])),
                   (b, r.choice([0, f.sign]))]
            if len(srcs) == 3:
                new.append((srcs[2], r.choice(
                    [f.indefinite, f.expo | f.quiet | 5,
                     r.choice(FP_SPECIAL[es])])))
        for o, v in new:
            put(o, j, v)
    st.mem = bytes(mem)


def rand_mask(r):
    kind = r.randrange(7)
    if kind == 0:
        return 0
    if kind == 1:
        return ONES64
    if kind in (2, 3):
        return 1 << r.randrange(64 if kind == 2 else 16)
    if kind == 4:
        return (1 << r.randrange(64)) - 1
    return r.getrandbits(64)


def fp_format(mn):
    """The floating-point format of a row of group fp (a conversion: its
    source's, or the float's)."""
    if mn in FP_ROWS:
        return FP_ROWS[mn][0]
    row = cvt_row(mn)[0] or pcvt_row(mn)[0] or \
        forms_fp.ALL_SPECIAL_ROWS.get(mn) or forms_fp.F16_ROWS.get(mn) or \
        forms_fp.FIXUP_ROWS.get(mn) or forms_fp.RCP14_ROWS.get(mn) or \
        fpclass_row(mn)
    return FP_FORMATS[row[0]]


def rand_state(r, insn, form, place=None):
    """A random input for insn, with the memory operand placed inside
    the page, across either edge or in a guard page; scratch is 0."""
    z = {}
    group = getattr(form, 'group', '')
    one = cmp_lanes(r) if group == 'cmp' else \
        fp_lanes(r, fp_format(insn.mn)) if group == 'fp' else {
            'int': rand_int_lane, 'shuf': rand_shuf_lane,
            'perm': rand_perm_lane,
            'trunc': rand_trunc_lane}.get(group, rand_lane)

    def lane(i):
        """Lane i of a register or of the memory operand (group shift: in
        lane 0, the xmm/m128 count, a small count half of the time)."""
        return rand_shift_lane(r, i == 0) if group == 'shift' else one(r)

    for n in {o.n for o in insn.ops if o.kind == 'v'}:
        z[n] = sum(lane(i) << (64 * i) for i in range(8))
    st = State(z=z, k=[rand_mask(r) for _ in range(8)],
               gpr=[r.getrandbits(64) for _ in range(4)],
               flags=(r.getrandbits(12) & FLAGS_OUT) | 2,
               mxcsr=0x1f80 | r.randrange(4) << 13)
    if group == 'fp':
        # DAZ, FTZ, and now and then sticky flags set already
        st.mxcsr |= r.choice([0, 0, MX_DAZ]) | r.choice([0, 0, MX_FTZ]) | \
            (r.getrandbits(6) if r.randrange(4) == 0 else 0)
    if form.size:
        size, es = form.size, form.esize
        place = place or r.choice(['in', 'in', 'hi', 'lo', 'guard'])
        if place == 'in' or size == es and place in ('hi', 'lo'):
            off = r.randrange(0, PAGE - size + 1)
        elif place == 'hi':
            off = PAGE - es * r.randrange(1, size // es)
        elif place == 'lo':
            off = -es * r.randrange(1, size // es)
        else:
            off = r.choice([PAGE, -PAGE]) + r.randrange(0, PAGE - size)
        if form.align > 1:
            off -= off % form.align
        st.off = off
        lo, hi = max(off, 0), min(off + size, PAGE)
        st.mem = bytes(r.getrandbits(8) for _ in range(max(hi - lo, 0)))
        if group in ('int', 'cmp', 'shuf', 'shift', 'fp', 'perm',
                     'trunc'):
            # boundary values (cmp, fp: the palette; shuf: sign
            # boundaries and minterm patterns; shift: counts; perm:
            # indices; trunc: saturation limits) in whole qwords from the
            # operand's start
            whole = b''.join(lane(i).to_bytes(8, 'little')
                             for i in range((size + 7) // 8))
            st.mem = whole[lo - off:hi - off]
        st.gpr[3] = r.randrange(16) - 8 & ONES64
        st.gpr[2] = (off - insn.disp - (st.gpr[3] - (1 << 64) if
                                        st.gpr[3] >> 63 else st.gpr[3]) *
                     insn.scale) & ONES64
    if group == 'fp' and insn.mn in FP_ROWS:
        fp_partners(r, insn, st)
    elif group == 'fp' and insn.mn in forms_fp.F16_ROWS:
        f16_boundaries(r, insn, st)
    elif group == 'fp' and insn.mn in forms_fp.FIXUP_ROWS:
        fixup_tables(r, insn, st)
    elif group == 'fp' and insn.mn in forms_fp.RCP14_ROWS:
        pass
    elif group == 'fp':
        cvt_boundaries(r, insn, st)
    return st


CVT_FLOATS = (2.0 ** 31, 2.0 ** 32, 2.0 ** 63, 2.0 ** 64, -2.0 ** 31,
              -2.0 ** 63, 0.5, -0.5, 1.5, 2.5, -1.0, 2.0 ** 31 - 1,
              2.0 ** 32 - 1, -2.0 ** 31 - 1)
CVT_INTS = (2 ** 24 + 1, 2 ** 53 + 1, 2 ** 63, 2 ** 64 - 1, 2 ** 32 - 1,
            2 ** 31, 2 ** 31 + 1, 2 ** 24 - 1, 3 << 62)


def cvt_boundaries(r, insn, st):
    """The conversions: in half the cases, element 0 (a register source)
    or the GPR near an integer boundary of the conversion (2^31, 2^32,
    2^63, 2^64, halves, their neighbours one ulp or one away)."""
    if r.randrange(2):
        return
    f = fp_format(insn.mn)
    code = '<f' if f.es == 4 else '<d'
    src = [o for o in insn.ops if o.kind in 'vmg'][-1]
    if src.kind == 'v':
        x = struct.unpack(code, struct.pack(code, r.choice(CVT_FLOATS)))[0]
        bits = int.from_bytes(struct.pack(code, x), 'little') + \
            r.choice((-1, 0, 0, 1))
        z = st.z[src.n]
        st.z[src.n] = z - z % 2 ** (8 * f.es) + bits % 2 ** (8 * f.es)
    elif src.kind == 'g':
        st.gpr[src.n] = (r.choice(CVT_INTS) * r.choice((1, -1)) +
                         r.choice((-1, 0, 1))) & ONES64


# binary32 values at the edges of binary16: the largest finite number,
# the midpoints to infinity and below it, the smallest normal, the
# smallest denormal, half of it (a tie with zero), a quarter of it, the
# largest denormal
F16_EDGES = (65504.0, 65520.0, 65519.99609375, 2.0 ** -14, 2.0 ** -24,
             2.0 ** -25, 2.0 ** -26, 1023 * 2.0 ** -24, 1.5 * 2.0 ** -24)


def f16_boundaries(r, insn, st):
    """VCVTPS2PH: in half the cases, some elements of the binary32
    source (a register) at the edges of binary16 (F16_EDGES, signed, or
    one ulp away)."""
    if insn.mn != 'vcvtps2ph' or r.randrange(2):
        return
    src = insn.ops[1]
    z = st.z[src.n]
    for j in r.sample(range(16), 4):
        x = r.choice(F16_EDGES) * r.choice((1, -1))
        bits = (int.from_bytes(struct.pack('<f', x), 'little') +
                r.choice((-1, 0, 0, 1))) % 2 ** 32
        z = z & ~(0xffffffff << (32 * j)) | bits << (32 * j)
    st.z[src.n] = z


FIXUP_CLASSES = {4: (0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000,
                    0xff800000, 0x7fc00000, 0x7f800001, 1, 0x80000001),
                 8: (0, 1 << 63, 0x3ff0 << 48, 0xbff0 << 48, 0x7ff0 << 48,
                     0xfff0 << 48, 0x7ff8 << 48, 0x7ff0_0000_0000_0001, 1,
                     (1 << 63) | 1)}


def fixup_tables(r, insn, st):
    """VFIXUPIMM: in half the cases, SRC1's elements of every class
    (zeros, +-1.0, infinities, NaNs, denormals) and, for a register
    table, tables with one response everywhere (0: DEST, 1: SRC1, ...)
    or random nibbles."""
    if r.randrange(2):
        return
    es, _ = forms_fp.FIXUP_ROWS[insn.mn]
    dst, src1, src2 = [o for o in insn.ops if o.kind in 'vm']
    z = st.z[src1.n]
    for j in range(64 // es):
        if r.randrange(2):
            v = r.choice(FIXUP_CLASSES[es])
            z = z & ~(emask(es) << (8 * es * j)) | v << (8 * es * j)
    st.z[src1.n] = z
    if src2.kind == 'v':
        t = 0
        for j in range(64 // es):
            resp = r.randrange(16)
            word = r.choice([resp * 0x11111111, r.getrandbits(32)])
            t |= word << (8 * es * j)
        st.z[src2.n] = t


def kbits(v, nb):
    """A mask as a list of bits, LSB first (the second formulation of the
    K-instructions)."""
    return [v >> i & 1 for i in range(8 * nb)]


def kval(bits):
    return sum(b << i for i, b in enumerate(bits))


def k_reference(mn, a, b, imm):
    """Bit-list formulation of the K-instructions: (result, zf, cf) for
    SRC1 = a, SRC2 = b (Intel order)."""
    if mn.startswith('kunpck'):
        half = {'bw': 1, 'wd': 2, 'dq': 4}[mn[6:]]
        return kval(kbits(b, half) + kbits(a, half)), None, None
    nb = KW[mn[-1]]
    x, y, base = kbits(a, nb), kbits(b, nb), mn[:-1]
    if base == 'kadd':
        carry, r = 0, []
        for p, q in zip(x, y):
            r.append(p ^ q ^ carry)
            carry = (p & q) | (carry & (p ^ q))
        return kval(r), None, None
    if base == 'kshiftl':
        r = ([0] * imm + x)[:len(x)] if imm < len(x) else [0] * len(x)
        return kval(r), None, None
    if base == 'kshiftr':
        r = (x[imm:] + [0] * imm) if imm < len(x) else [0] * len(x)
        return kval(r), None, None
    if base == 'kortest':
        o = [p | q for p, q in zip(x, y)]
        return None, all(v == 0 for v in o), all(v == 1 for v in o)
    if base == 'ktest':
        return (None, not any(p & q for p, q in zip(x, y)),
                not any(q and not p for p, q in zip(x, y)))
    ops = {'kand': lambda p, q: p & q, 'kandn': lambda p, q: (1 - p) & q,
           'kor': lambda p, q: p | q, 'kxor': lambda p, q: p ^ q,
           'kxnor': lambda p, q: 1 - (p ^ q), 'knot': lambda p, q: 1 - p,
           'kmov': lambda p, q: p}
    return kval([ops[base](p, q) for p, q in zip(x, y)]), None, None


def bytes_reference(insn, st, es, src):
    """Masked register move, byte by byte (the second formulation of the
    packed moves): the 64 destination bytes."""
    dst = insn.ops[0]
    old = st.z[dst.n].to_bytes(64, 'little')
    new = src.to_bytes(64, 'little')
    mask = ONES64 if insn.mask is None else st.k[insn.mask]
    out = bytearray(64)
    for b in range(dst.size):
        j = b // es
        out[b] = new[b] if mask >> j & 1 else 0 if insn.zero else old[b]
    return int.from_bytes(out, 'little')


def ref_source_bytes(st, src, vl, es, on):
    """The second formulations' SRC2 (the last operand src): its vl bytes
    (0 in the elements not read), or None if reading the elements that
    on (a list of 0/1 per element) selects faults.  The fault rule on
    byte ranges: an active element's bytes, or the {1toN} element's if
    any element is active, must lie in the page."""
    if src.kind == 'v':
        return st.z[src.n].to_bytes(64, 'little')[:vl]
    n, off = vl // es, st.off
    spans = ([(off, off + es)] if any(on) else []) if src.bcst else \
        [(off + es * j, off + es * (j + 1)) for j in range(n) if on[j]]
    if any(lo < 0 or hi > PAGE for lo, hi in spans):
        return None
    page = {max(off, 0) + i: b for i, b in enumerate(st.mem)}

    def grab(lo):
        return bytes(page[x] for x in range(lo, lo + es))

    if src.bcst:
        return (grab(off) if any(on) else bytes(es)) * n
    return b''.join(grab(off + es * j) if on[j] else bytes(es)
                    for j in range(n))


def int_reference(insn, st):
    """Group int, the second formulation: (exception, destination).  The
    operand bytes are unpacked with struct into signed and unsigned
    element lists (the logic rows work on bytes), the fault rule is
    restated on byte ranges (ref_source_bytes), and masking is
    bytes_reference()'s."""
    mn, ops = insn.mn, insn.ops
    dst, src = ops[0], ops[-1]
    vl = dst.size
    es = INT_ROWS[mn][0]
    n = vl // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    on = [kv >> j & 1 for j in range(n)]
    raw2 = ref_source_bytes(st, src, vl, es, on)
    if raw2 is None:
        return 'PF', None
    raw1 = st.z[ops[1].n].to_bytes(64, 'little')[:vl] \
        if len(ops) == 3 else bytes(vl)
    code = {1: 'b', 2: 'h', 4: 'i', 8: 'q'}[es]
    sfmt, ufmt = f'<{n}{code}', f'<{n}{code.upper()}'
    s1, s2 = struct.unpack(sfmt, raw1), struct.unpack(sfmt, raw2)
    u1, u2 = struct.unpack(ufmt, raw1), struct.unpack(ufmt, raw2)
    base = FP_LOGIC[mn][1] if mn in FP_LOGIC else mn[:-1]
    if mn in ('vpmuldq', 'vpmuludq'):
        f = '<{}{}'.format(2 * n, 'i' if mn == 'vpmuldq' else 'I')
        d1, d2 = struct.unpack(f, raw1), struct.unpack(f, raw2)
        out = struct.pack('<{}{}'.format(n, 'q' if mn == 'vpmuldq' else 'Q'),
                          *[d1[2 * j] * d2[2 * j] for j in range(n)])
    elif base in ('vpand', 'vpandn', 'vpor', 'vpxor'):
        f = {'vpand': lambda x, y: x & y, 'vpandn': lambda x, y: ~x & y,
             'vpor': lambda x, y: x | y, 'vpxor': lambda x, y: x ^ y}[base]
        out = bytes(f(x, y) & 0xff for x, y in zip(raw1, raw2))
    elif base in ('vpmins', 'vpmaxs'):
        f = min if base == 'vpmins' else max
        out = struct.pack(sfmt, *[f(x, y) for x, y in zip(s1, s2)])
    elif base in ('vpminu', 'vpmaxu'):
        f = min if base == 'vpminu' else max
        out = struct.pack(ufmt, *[f(x, y) for x, y in zip(u1, u2)])
    elif base == 'vpabs':
        out = struct.pack(ufmt, *[abs(y) for y in s2])
    elif base in ('vpsub', 'vpmull', 'vpadd'):
        # the exact result in two's complement, cut to its low es bytes
        full = [x - y if base == 'vpsub' else x + y if base == 'vpadd'
                else x * y for x, y in zip(s1, s2)]
        out = b''.join(v.to_bytes(2 * es + 1, 'little', signed=True)[:es]
                       for v in full)
    elif base in ('vpadds', 'vpsubs'):
        lo, hi = -2 ** (8 * es - 1), 2 ** (8 * es - 1) - 1
        out = struct.pack(sfmt, *[sorted((lo, x + y if base == 'vpadds'
                                          else x - y, hi))[1]
                                  for x, y in zip(s1, s2)])
    elif base in ('vpaddus', 'vpsubus'):
        hi = 2 ** (8 * es) - 1
        out = struct.pack(ufmt, *[sorted((0, x + y if base == 'vpaddus'
                                          else x - y, hi))[1]
                                  for x, y in zip(u1, u2)])
    elif base == 'vplzcnt':
        # the position of the first 1 in the element written MSB first
        out = struct.pack(ufmt, *[(f'{y:0{8 * es}b}' + '1').index('1')
                                  for y in u2])
    elif base == 'vpavg':
        # the mean rounded half up: ceil((x + y) / 2)
        out = struct.pack(ufmt, *[-(-(x + y) // 2) for x, y in zip(u1, u2)])
    elif base in ('vpmulh', 'vpmulhu'):
        p = zip(s1, s2) if base == 'vpmulh' else zip(u1, u2)
        out = b''.join((x * y).to_bytes(5, 'little', signed=True)[2:4]
                       for x, y in p)
    elif base == 'vpmulhrs':
        # x * y / 2^15 rounded half up, cut to 16 bits
        out = struct.pack(ufmt, *[(x * y + 2 ** 14) // 2 ** 15 & 0xffff
                                  for x, y in zip(s1, s2)])
    else:
        raise ModelError(f'no second formulation of {mn}')
    return None, bytes_reference(insn, st, es,
                                 int.from_bytes(out, 'little'))


COMMUTATIVE = re.compile(r'v(?:p|(?=(?:and|or|xor)p))'
                         r'(and|or|xor|mins|minu|maxs|maxu|mull|muldq|'
                         r'muludq|add|adds|addus|avg|mulh|mulhu|mulhrs)'
                         r'(?:[bwdq]|p[sd])?$')


def int_invariants(name, insn, st, out):
    """Group int: the second formulation; SRC1 and SRC2 swapped give the
    same (register forms of the commutative rows); per element,
    MIN + MAX = SRC1 + SRC2 and MIN <= MAX."""
    bad = []
    exc, ref = int_reference(insn, st)
    dst = insn.ops[0].n
    if exc != out.exc or (exc is None and out.z.get(dst) != ref):
        got = out.exc or f'{out.z.get(dst, 0):x}'
        want = exc or f'{ref:x}'
        bad.append(f'{name}: differs from the struct formulation '
                   f'(model {got}, formulation {want})')
    ops = insn.ops
    if len(ops) == 3 and ops[2].kind == 'v' and COMMUTATIVE.match(insn.mn):
        sw = model(dataclasses.replace(insn, ops=(ops[0], ops[2], ops[1])),
                   st)
        if sw.z != out.z:
            bad.append(f'{name}: not commutative')
    m = re.match(r'vp(min|max)([su])([bwdq])$', insn.mn)
    if m and ops[2].kind == 'v' and out.exc is None:
        es = ESIZE_LETTER[m.group(3)]
        other = 'vp' + ('max' if m.group(1) == 'min' else 'min') + \
            m.group(2) + m.group(3)
        plain = dataclasses.replace(insn, mask=None, zero=False)
        x = model(plain, st).z[dst]
        y = model(dataclasses.replace(plain, mn=other), st).z[dst]
        a, b = st.z[ops[1].n], st.z[ops[2].n]
        lo, hi = (x, y) if m.group(1) == 'min' else (y, x)
        for j in range(ops[0].size // es):
            e = [elem(v, es, j) for v in (lo, hi, a, b)]
            conv = (lambda v: sx(v, 8 * es)) if m.group(2) == 's' else int
            if (e[0] + e[1] - e[2] - e[3]) & emask(es) or \
                    conv(e[0]) > conv(e[1]):
                bad.append(f'{name}: MIN/MAX of element {j} inconsistent')
                break
    return bad


# Group cmp, second formulation: the outcomes of the three-way comparison
# (-1: SRC1 < SRC2, 0: equal, 1: SRC1 > SRC2) for which each predicate of
# VPCMP/VPCMPU (imm8[2:0]) holds
PRED_HOLDS = [{0}, {-1}, {-1, 0}, set(), {-1, 1}, {0, 1}, {1}, {-1, 0, 1}]
# SRC1 and SRC2 swapped: the predicate that gives the same result
PRED_SWAPPED = [0, 6, 5, 3, 4, 2, 1, 7]


def cmp_imm(insn):
    return insn.ops[3].n if len(insn.ops) > 3 else None


def cmp_reference(insn, st):
    """Group cmp, the second formulation: (exception, destination k).
    The sources are unpacked with struct into signed or unsigned element
    lists and compared three-way (PRED_HOLDS; VPCMPEQ is predicate 0 and
    VPCMPGT predicate 6, signed), VPTESTM/NM look for a non-zero byte of
    the AND; the fault rule is ref_source_bytes()'s; the mask is a string
    of bits."""
    mn, ops = insn.mn, insn.ops
    src1, src2 = ops[1], ops[2]
    vl, es = src1.size, ESIZE_LETTER[mn[-1]]
    n = vl // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    on = f'{kv & ((1 << n) - 1):0{n}b}'[::-1]         # element j: on[j]
    raw2 = ref_source_bytes(st, src2, vl, es, [int(x) for x in on])
    if raw2 is None:
        return 'PF', None
    raw1 = st.z[src1.n].to_bytes(64, 'little')[:vl]
    base = mn[:-1]
    if base in ('vptestm', 'vptestnm'):
        got = [any(x & y for x, y in zip(raw1[es * j:es * j + es],
                                         raw2[es * j:es * j + es]))
               for j in range(n)]
        if base == 'vptestnm':
            got = [not g for g in got]
    else:
        code = {1: 'b', 2: 'h', 4: 'i', 8: 'q'}[es]
        fmt = f'<{n}{code.upper() if base == "vpcmpu" else code}'
        x, y = struct.unpack(fmt, raw1), struct.unpack(fmt, raw2)
        pred = {'vpcmpeq': 0, 'vpcmpgt': 6}.get(base, cmp_imm(insn))
        got = [(p > q) - (p < q) in PRED_HOLDS[pred & 7]
               for p, q in zip(x, y)]
    bits = ''.join('1' if on[j] == '1' and got[j] else '0'
                   for j in reversed(range(n)))
    return None, int(bits, 2)


def movm_invariants(name, insn, st, out):
    """VPMOVM2x and VPMOVx2M: the one undoes the other (VPMOVx2M of
    VPMOVM2x's result is the opmask's low KL bits; VPMOVM2x of
    VPMOVx2M's result sets exactly the elements whose sign is set)."""
    bad = []
    mn = insn.mn
    dst, src = insn.ops
    if mn.startswith('vpmovm2'):
        t = mn[-1]
        back = dataclasses.replace(insn, mn=f'vpmov{t}2m', ops=(
            Op('k', 0), Op('v', dst.n, dst.size)))
        o = model(back, dataclasses.replace(st, z={**st.z, **out.z}))
        kl = dst.size // ESIZE_LETTER[t]
        if o.k[0] != st.k[src.n] & ((1 << kl) - 1):
            bad.append(f'{name}: VPMOV{t.upper()}2M does not give the mask '
                       'back')
    else:
        t = mn[5]
        es = ESIZE_LETTER[t]
        back = dataclasses.replace(insn, mn=f'vpmovm2{t}', ops=(
            Op('v', 99, src.size), Op('k', dst.n)))
        k = list(st.k)
        k[dst.n] = out.k[dst.n]
        o = model(back, dataclasses.replace(st, k=k, z={**st.z, 99: 0}))
        v = st.z[src.n]
        want = sum(emask(es) << (8 * es * j)
                   for j in range(src.size // es)
                   if elem(v, es, j) >> (8 * es - 1))
        if o.z[99] != want:
            bad.append(f'{name}: the signs do not come back')
    return bad


def cmp_invariants(name, insn, st, out):
    """Group cmp: the second formulation; only the k destination changes
    and it has no bit from KL up; masked = unmasked AND the mask, and no
    element active gives 0 without a fault; predicate p and p XOR 4
    (VPTESTM and VPTESTNM) complement each other on the active elements;
    VPCMPEQ and VPCMPGT are VPCMP with predicates 0 and 6; SRC1 and SRC2
    swapped give PRED_SWAPPED's predicate (register forms); VPCMP and
    VPCMPU agree on the elements whose sign bits agree and, for LT, LE,
    NLT and NLE, on no other (register forms); at 128 bits the result is
    the low KL bits."""
    bad = []
    mn, ops = insn.mn, insn.ops
    dst, src1, src2 = ops[:3]
    es = ESIZE_LETTER[mn[-1]]
    kl = src1.size // es
    ones = (1 << kl) - 1
    exc, ref = cmp_reference(insn, st)
    if exc != out.exc or (exc is None and out.k.get(dst.n) != ref):
        got = out.exc or f'{out.k.get(dst.n, 0):x}'
        want = exc or f'{ref:x}'
        bad.append(f'{name}: differs from the struct formulation '
                   f'(model {got}, formulation {want})')

    def run(i, s=st):
        o = model(i, s)
        return o.exc, o.k.get(dst.n)

    if insn.mask is not None:
        k0 = list(st.k)
        k0[insn.mask] = 0
        if run(insn, dataclasses.replace(st, k=k0)) != (None, 0):
            bad.append(f'{name}: no element active, not 0 (or a fault)')
    if out.exc is not None:
        return bad
    res = out.k.get(dst.n)
    if set(out.k) != {dst.n} or out.z or res >> kl:
        bad.append(f'{name}: writes more than the KL bits of k{dst.n}')
        return bad
    kmask = ONES64 if insn.mask is None else st.k[insn.mask]
    if insn.mask is not None:
        if res & ~kmask:
            bad.append(f'{name}: a bit set where the writemask is 0')
        uexc, ures = run(dataclasses.replace(insn, mask=None))
        if uexc is None and res != ures & kmask:
            bad.append(f'{name}: not the unmasked result AND the mask')
    imm = cmp_imm(insn)
    base = mn[:-1]
    if base in ('vptestm', 'vptestnm'):
        other = dataclasses.replace(insn, mn=(
            'vptestnm' if base == 'vptestm' else 'vptestm') + mn[-1])
    else:
        pred = {'vpcmpeq': 0, 'vpcmpgt': 6}.get(base, imm)
        other = dataclasses.replace(
            insn, mn=('vpcmpu' if base == 'vpcmpu' else 'vpcmp') + mn[-1],
            ops=ops[:3] + (Op('i', pred ^ 4),))
    cexc, cres = run(other)
    if cexc is None and cres ^ res != kmask & ones:
        bad.append(f'{name}: not the complement of {other.mn} '
                   f'{cmp_imm(other)}')
    if base in ('vpcmpeq', 'vpcmpgt'):
        same = dataclasses.replace(insn, mn='vpcmp' + mn[-1], ops=ops + (
            Op('i', 0 if base == 'vpcmpeq' else 6),))
        if run(same) != (None, res):
            bad.append(f'{name}: not VPCMP{mn[-1].upper()} with predicate '
                       f'{cmp_imm(same)}')
    if src2.kind == 'v':
        if base in ('vpcmp', 'vpcmpu'):
            sw = dataclasses.replace(insn, ops=(dst, src2, src1, Op(
                'i', PRED_SWAPPED[imm & 7])))
        elif base == 'vpcmpgt':
            sw = dataclasses.replace(insn, mn='vpcmp' + mn[-1],
                                     ops=(dst, src2, src1, Op('i', 1)))
        else:
            sw = dataclasses.replace(insn, ops=(dst, src2, src1))
        if run(sw) != (None, res):
            bad.append(f'{name}: SRC1 and SRC2 swapped differ')
    if src2.kind == 'v' and base in ('vpcmp', 'vpcmpu'):
        twin = dataclasses.replace(insn, mn=('vpcmpu' if base == 'vpcmp'
                                             else 'vpcmp') + mn[-1])
        diff = run(twin)[1] ^ res
        a, b = st.z[src1.n], st.z[src2.n]
        for j in range(kl):
            sign = (elem(a, es, j) ^ elem(b, es, j)) >> (8 * es - 1)
            want = sign and (imm & 3) in (1, 2) and kmask >> j & 1
            if (diff >> j & 1) != want:
                bad.append(f'{name}: signed and unsigned element {j} '
                           f'{"agree" if want else "differ"}')
                break
    if src1.size > 16:
        narrow = dataclasses.replace(insn, ops=tuple(
            dataclasses.replace(o, size=16) if o.kind == 'v' else o
            for o in ops))
        if run(narrow) != (None, res & ((1 << (16 // es)) - 1)):
            bad.append(f'{name}: at 128 bits not the low bits')
    return bad


# Group shuf: the element size of masking (the destination's)
SHUF_ES = {mn: es for mn, _, es, *_ in forms_shuf.ALL_ROWS}
# struct formats of elements of 1, 2, 4, 8 bytes (unsigned; .lower():
# signed)
UFMT = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}


def shuf_reference(insn, st):
    """Group shuf, the second formulation: (exception, destination).  The
    operands become lists of elements (struct) which the permutes index;
    VPTERNLOG is a sum of minterms over whole registers; the fault rule is
    restated on byte ranges (the whole operand of the permutes, which have
    no fault suppression, else the bytes of the active elements); masking
    is bytes_reference()'s."""
    mn, ops = insn.mn, insn.ops
    kind = forms_shuf.KIND[mn]
    dst = ops[0]
    vl, es = dst.size, SHUF_ES[mn]
    n = vl // es
    imm = ops[-1].n if ops[-1].kind == 'i' else 0
    src = ops[1] if kind in forms_shuf.UNARY else ops[2]
    se = forms_shuf.pmov_sizes(mn)[0] if kind == 'pmov' else es
    size = n * se                       # bytes of the r/m source
    be = forms_shuf.bcst_size(mn, se)   # and of its {1toN} element
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    on = [kv >> j & 1 for j in range(n)]
    if src.kind == 'v':
        raw = st.z[src.n].to_bytes(64, 'little')[:size]
    else:
        off = st.off
        if mn in forms_shuf.NOFS:
            spans = [(off, off + (be if src.bcst else size))]
        elif src.bcst:
            spans = [(off, off + se)] if any(on) else []
        else:
            spans = [(off + se * j, off + se * (j + 1)) for j in range(n)
                     if on[j]]
        if any(lo < 0 or hi > PAGE for lo, hi in spans):
            return 'PF', None
        page = {max(off, 0) + i: b for i, b in enumerate(st.mem)}
        read = {x for lo, hi in spans for x in range(lo, hi)}
        if src.bcst:
            raw = bytes(page[off + i] if off + i in read else 0
                        for i in range(be)) * (size // be)
        else:
            raw = bytes(page[off + i] if off + i in read else 0
                        for i in range(size))
    fmt = f'<{n}{UFMT[es]}'
    if kind in BW_REFERENCE:
        a = st.z[ops[1].n].to_bytes(64, 'little')[:vl] \
            if kind not in forms_shuf.UNARY else b''
        out = BW_REFERENCE[kind](mn, a, raw, imm)
    elif kind == 'pmov':
        signed = mn.startswith('vpmovsx')
        f_in, f_out = UFMT[se], UFMT[es]
        if signed:
            f_in, f_out = f_in.lower(), f_out.lower()
        out = struct.pack(f'<{n}{f_out}',
                          *struct.unpack(f'<{n}{f_in}', raw))
    elif kind == 'ternlog':
        full = vlmask(vl)
        d, a = st.z[dst.n] & full, st.z[ops[1].n] & full
        b = int.from_bytes(raw, 'little')
        v = 0
        for idx in range(8):
            if imm >> idx & 1:
                v |= ((d if idx & 4 else ~d) & (a if idx & 2 else ~a) &
                      (b if idx & 1 else ~b))
        out = (v & full).to_bytes(vl, 'little')
    elif kind == 'shufi':
        nl = vl // 16
        a16 = st.z[ops[1].n].to_bytes(64, 'little')
        a16 = [a16[16 * i:16 * i + 16] for i in range(nl)]
        b16 = [raw[16 * i:16 * i + 16] for i in range(nl)]
        per = 2 if nl == 4 else 1       # selector bits per lane
        out = b''.join((a16 if i < nl // 2 else b16)[(imm >> per * i) % nl]
                       for i in range(nl))
    else:
        b = list(struct.unpack(fmt, raw))
        if kind == 'pshufd':
            res = [b[j - j % 4 + (imm >> 2 * (j % 4) & 3)] for j in range(n)]
        else:
            a = list(struct.unpack(fmt, st.z[ops[1].n].to_bytes(
                64, 'little')[:vl]))
            if kind == 'align':
                shift = imm % n
                res = (b + a)[shift:shift + n]
            else:                       # unpck
                p = 16 // es            # elements per lane
                lo = p // 2 if mn.startswith('vpunpckh') else 0
                res = []
                for lane in range(0, n, p):
                    for x, y in zip(a[lane + lo:lane + lo + p // 2],
                                    b[lane + lo:lane + lo + p // 2]):
                        res += [x, y]
        out = struct.pack(fmt, *res)
    return None, bytes_reference(insn, st, es, int.from_bytes(out, 'little'))


def _lanes(x):
    return [x[i:i + 16] for i in range(0, len(x), 16)]


def _ref_madd(mn, a, b, imm):
    """Pairs of products added: words (signed) to dwords, wrapping; or
    unsigned bytes of SRC1 times signed bytes of SRC2 to signed words,
    saturated."""
    if mn == 'vpmaddwd':
        x, y = (struct.unpack(f'<{len(a) // 2}h', v) for v in (a, b))
        return struct.pack(f'<{len(a) // 4}I', *[
            (x[i] * y[i] + x[i + 1] * y[i + 1]) % 2 ** 32
            for i in range(0, len(x), 2)])
    x = struct.unpack(f'<{len(a)}B', a)
    y = struct.unpack(f'<{len(b)}b', b)
    return struct.pack(f'<{len(a) // 2}h', *[
        sorted((-32768, x[i] * y[i] + x[i + 1] * y[i + 1], 32767))[1]
        for i in range(0, len(x), 2)])


def _ref_psadbw(mn, a, b, imm):
    return struct.pack(f'<{len(a) // 8}Q', *[
        sum(abs(p - q) for p, q in zip(a[i:i + 8], b[i:i + 8]))
        for i in range(0, len(a), 8)])


def _ref_pack(mn, a, b, imm):
    """Per lane: SRC1's elements then SRC2's, clamped."""
    wide = 'h' if mn.endswith('wb') else 'i'
    narrow = {'vpacksswb': 'b', 'vpackuswb': 'B', 'vpackssdw': 'h',
              'vpackusdw': 'H'}[mn]
    bits = 8 if mn.endswith('wb') else 16
    lo, hi = ((0, 2 ** bits - 1) if narrow.isupper() else
              (-2 ** (bits - 1), 2 ** (bits - 1) - 1))
    out = b''
    for la, lb in zip(_lanes(a), _lanes(b)):
        vals = struct.unpack(f'<{128 // bits}{wide}', la + lb)
        out += struct.pack(f'<{len(vals)}{narrow}',
                           *[min(max(v, lo), hi) for v in vals])
    return out


def _ref_pshufb(mn, a, b, imm):
    return bytes(0 if b[i] & 0x80 else a[i // 16 * 16 + (b[i] & 15)]
                 for i in range(len(a)))


def _ref_pshufhw(mn, a, b, imm):
    out = b''
    for lane in _lanes(b):
        w = list(struct.unpack('<8H', lane))
        part = w[4:] if mn == 'vpshufhw' else w[:4]
        part = [part[imm >> 2 * i & 3] for i in range(4)]
        w = w[:4] + part if mn == 'vpshufhw' else part + w[4:]
        out += struct.pack('<8H', *w)
    return out


def _ref_palignr(mn, a, b, imm):
    return b''.join((lb + la + bytes(256))[imm:imm + 16]
                    for la, lb in zip(_lanes(a), _lanes(b)))


def _ref_bytesh(mn, a, b, imm):
    cnt = min(imm, 16)
    if mn == 'vpslldq':
        return b''.join(bytes(cnt) + lane[:16 - cnt] for lane in _lanes(b))
    return b''.join(lane[cnt:] + bytes(cnt) for lane in _lanes(b))


def _ref_dbpsadbw(mn, a, b, imm):
    t = b''.join(b''.join(lane[4 * (imm >> 2 * i & 3):][:4]
                          for i in range(4)) for lane in _lanes(b))
    out = []
    for q in range(0, len(a), 8):
        for fa, ft in ((0, 0), (0, 1), (4, 2), (4, 3)):
            out.append(sum(abs(x - y) for x, y in
                           zip(a[q + fa:q + fa + 4], t[q + ft:q + ft + 4])))
    return struct.pack(f'<{len(out)}H', *out)


def _ref_conflict(mn, a, b, imm):
    es = 4 if mn.endswith('d') else 8
    el = struct.unpack(f'<{len(b) // es}{UFMT[es]}', b)
    return struct.pack(f'<{len(el)}{UFMT[es]}', *[
        int(''.join('1' if x == y else '0' for x in reversed(el[:j])) or '0',
            2) for j, y in enumerate(el)])


def _ref_aes(mn, a, b, imm):
    """The second formulation of an AES round, on the state as a 4x4
    matrix of rows: the S-box by searching for the inverse and applying
    the affine map bit by bit, InvMixColumns as MixColumns applied three
    times (MixColumns has order 4)."""
    def mul(x, y):
        r = 0
        for i in range(8):
            if y >> i & 1:
                r ^= x << i
        for i in range(14, 7, -1):
            if r >> i & 1:
                r ^= 0x11b << (i - 8)
        return r

    def sbox(x):
        inv = next((y for y in range(256) if mul(x, y) == 1), 0)
        return sum(((inv >> i ^ inv >> (i + 4) % 8 ^ inv >> (i + 5) % 8 ^
                     inv >> (i + 6) % 8 ^ inv >> (i + 7) % 8 ^
                     0x63 >> i) & 1) << i for i in range(8))

    def mix(m):
        return [[mul(2, m[0][c]) ^ mul(3, m[1][c]) ^ m[2][c] ^ m[3][c],
                 m[0][c] ^ mul(2, m[1][c]) ^ mul(3, m[2][c]) ^ m[3][c],
                 m[0][c] ^ m[1][c] ^ mul(2, m[2][c]) ^ mul(3, m[3][c]),
                 mul(3, m[0][c]) ^ m[1][c] ^ m[2][c] ^ mul(2, m[3][c])]
                for c in range(4)]

    def transpose(cols):
        return [[cols[c][r] for c in range(4)] for r in range(4)]

    dec, last = 'dec' in mn, mn.endswith('last')
    box = {x: sbox(x) for x in range(256)}
    if dec:
        box = {v: k for k, v in box.items()}
    out = b''
    for lane in range(len(a) // 16):
        st, key = a[16 * lane:16 * lane + 16], b[16 * lane:16 * lane + 16]
        m = [[st[r + 4 * c] for c in range(4)] for r in range(4)]
        m = [[box[row[(c + (-r if dec else r)) % 4]] for c in range(4)]
             for r, row in enumerate(m)]
        if not last:
            for _ in range(3 if dec else 1):
                m = transpose(mix(m))
        out += bytes(m[i % 4][i // 4] ^ key[i] for i in range(16))
    return out


# the second formulations of AVX512BW's rows in group shuf: (mnemonic,
# SRC1 bytes, the r/m operand's bytes, imm8) -> the result's bytes
BW_REFERENCE = {'madd': _ref_madd, 'psadbw': _ref_psadbw,
                'pack': _ref_pack, 'pshufb': _ref_pshufb,
                'pshufhw': _ref_pshufhw, 'palignr': _ref_palignr,
                'bytesh': _ref_bytesh, 'dbpsadbw': _ref_dbpsadbw,
                'conflict': _ref_conflict, 'aes': _ref_aes}


def swap_ternlog_imm(imm):
    """The VPTERNLOG immediate that gives the same with SRC1 and SRC2
    swapped: table bit D<<2|A<<1|B moves to D<<2|B<<1|A."""
    return sum((imm >> i & 1) << (i & 4 | (i & 1) << 1 | (i >> 1 & 1))
               for i in range(8))


# VPSHUFD immediates that VPUNPCK* of a register with itself equals
PSHUFD_OF_UNPCK = {'vpunpckldq': 0x50, 'vpunpckhdq': 0xfa,
                   'vpunpcklqdq': 0x44, 'vpunpckhqdq': 0xee}


def shuf_invariants(name, insn, st, out):
    """Group shuf: the second formulation, and relations between the
    rows, unmasked (register sources where they need one):
    VPTERNLOG with imm XOR 0xff is the complement, with 0xf0, 0xcc, 0xaa
    DEST, SRC1, SRC2, and SRC1 and SRC2 swapped with the table permuted
    give the same; VALIGN with imm + N (the element count) gives the same,
    and VALIGND by 2s is VALIGNQ by s; VPSHUFD 0xe4 is the identity, and
    VPSHUFD 0x1b after VPSHUFD imm is VPSHUFD of the composed order;
    VPUNPCK* of a register with itself is a VPSHUFD, and with SRC1 and
    SRC2 swapped it is a VPSHUFD (0xb1 or 0x4e) of the result; VPMOVZX and
    VPMOVSX agree in the low bits and differ above exactly where the
    source element is negative; VSHUFI32X4 and VSHUFI64X2 differ only in
    masking."""
    bad = []
    exc, ref = shuf_reference(insn, st)
    dst = insn.ops[0]
    if exc != out.exc or (exc is None and out.z.get(dst.n) != ref):
        got = out.exc or f'{out.z.get(dst.n, 0):x}'
        want = exc or f'{ref:x}'
        bad.append(f'{name}: differs from the struct formulation '
                   f'(model {got}, formulation {want})')
    if out.exc is not None:
        return bad
    mn, ops = insn.mn, insn.ops
    kind = forms_shuf.KIND[mn]
    vl = dst.size
    full = vlmask(vl)
    plain = dataclasses.replace(insn, mask=None, zero=False)
    src = ops[1] if kind in forms_shuf.UNARY else ops[2]
    reg = src.kind == 'v'

    def run(i, s=st):
        o = model(i, s)
        return None if o.exc else o.z[dst.n]

    def imm(i, v):
        return dataclasses.replace(i, ops=i.ops[:-1] + (Op('i', v & 0xff),))

    def other(new_mn):
        return dataclasses.replace(plain, mn=new_mn)

    base = run(plain)
    if base is None:
        return bad                      # a masked-off element would fault
    if kind == 'ternlog':
        i = ops[3].n
        if run(imm(plain, i ^ 0xff)) != ~base & full:
            bad.append(f'{name}: imm ^ 0xff is not the complement')
        want = [st.z[dst.n] & full, st.z[ops[1].n] & full] + \
            ([st.z[src.n] & full] if reg else [])
        for table, w in zip((0xf0, 0xcc, 0xaa), want):
            if run(imm(plain, table)) != w:
                bad.append(f'{name}: imm {table:#x} does not select its '
                           'operand')
        if reg:
            sw = dataclasses.replace(insn, ops=(dst, ops[2], ops[1],
                                                Op('i', swap_ternlog_imm(i))))
            if run(sw) != out.z[dst.n]:
                bad.append(f'{name}: SRC1 and SRC2 swapped (table '
                           'permuted) differ')
    elif kind == 'align':
        es, i = SHUF_ES[mn], ops[3].n
        n = vl // es
        if run(imm(insn, i + n)) != out.z[dst.n]:
            bad.append(f'{name}: imm + {n} gives another result')
        if not src.bcst:
            twin = imm(other('valignq'), i // 2) if es == 4 and i % 2 == 0 \
                else imm(other('valignd'), 2 * (i % n)) if es == 8 else None
            if twin and run(twin) != base:
                bad.append(f'{name}: VALIGND by 2s is not VALIGNQ by s')
    elif kind == 'pshufd':
        i = ops[2].n
        if reg and run(imm(plain, 0xe4)) != st.z[src.n] & full:
            bad.append(f'{name}: imm 0xe4 is not the identity')
        if reg:
            again = dataclasses.replace(plain, ops=(dst, dataclasses.replace(
                src, n=dst.n), Op('i', 0x1b)))
            two = run(again, dataclasses.replace(st, z={**st.z,
                                                        dst.n: base}))
            composed = sum((i >> 2 * (3 - j) & 3) << 2 * j for j in range(4))
            if two != run(imm(plain, composed)):
                bad.append(f'{name}: VPSHUFD 0x1b after it is not VPSHUFD '
                           f'{composed:#x}')
    elif kind == 'unpck' and reg and mn in PSHUFD_OF_UNPCK:
        pshufd = dataclasses.replace(plain, mn='vpshufd')
        same = dataclasses.replace(plain, ops=(dst, src, src))
        if run(same) != run(dataclasses.replace(pshufd, ops=(
                dst, src, Op('i', PSHUFD_OF_UNPCK[mn])))):
            bad.append(f'{name}: of a register with itself not VPSHUFD '
                       f'{PSHUFD_OF_UNPCK[mn]:#x}')
        swapped = run(dataclasses.replace(plain, ops=(dst, ops[2], ops[1])))
        pair = 0xb1 if SHUF_ES[mn] == 4 else 0x4e
        again = run(dataclasses.replace(pshufd, ops=(
            dst, dataclasses.replace(src, n=dst.n), Op('i', pair))),
            dataclasses.replace(st, z={**st.z, dst.n: base}))
        if swapped != again:
            bad.append(f'{name}: SRC1 and SRC2 swapped is not VPSHUFD '
                       f'{pair:#x} of the result')
    elif kind == 'pmov':
        se, de = forms_shuf.pmov_sizes(mn)
        zx = run(other(mn.replace('sx', 'zx')))
        sx_ = run(other(mn.replace('zx', 'sx')))
        for j in range(vl // de):
            z, x = elem(zx, de, j), elem(sx_, de, j)
            neg = z >> (8 * se - 1) & 1
            if z >> (8 * se) or (z ^ x) != (emask(de) & ~emask(se)
                                            if neg else 0):
                bad.append(f'{name}: VPMOVZX and VPMOVSX disagree in '
                           f'element {j}')
                break
    elif kind == 'shufi' and not src.bcst:
        # the other element size, and the other domain (VSHUFF*)
        for twin in {'vshufi32x4': ('vshufi64x2', 'vshuff32x4'),
                     'vshufi64x2': ('vshufi32x4', 'vshuff64x2'),
                     'vshuff32x4': ('vshuff64x2', 'vshufi32x4'),
                     'vshuff64x2': ('vshuff32x4', 'vshufi64x2')}[mn]:
            if run(other(twin)) != base:
                bad.append(f'{name}: {twin} gives another result')
    return bad


def shift_bits(op, bits, c):
    """One element of group shift as a list of bits (LSB first) moved by
    the whole count c: the second formulation of SHIFT_OPS."""
    n = len(bits)
    if op == 'sll':
        return [0] * n if c >= n else [0] * c + bits[:n - c]
    if op == 'srl':
        return [0] * n if c >= n else bits[c:] + [0] * c
    if op == 'sra':
        c = min(c, n)
        return bits[c:] + [bits[-1]] * c
    r = c % n
    if op == 'rol':                     # bit i comes from bit i - r
        return bits[n - r:] + bits[:n - r]
    return bits[r:] + bits[:r]          # ror: bit i from bit i + r


def shift_reference(insn, st):
    """Group shift, the second formulation: (exception, destination).
    The operands are cut from the input's bytes and unpacked with
    struct, the fault rule is restated on byte ranges (the FV operands:
    the active elements, or the {1toN} element if one is active; the m128
    count: all 16 bytes, whatever the mask), the elements are shifted as
    bit lists and masking is bytes_reference()'s."""
    mn, ops = insn.mn, insn.ops
    m = SHIFT_RE.match(mn)
    op, var, es = m.group(1), bool(m.group(2)), ESIZE_LETTER[m.group(3)]
    dst = ops[0]
    vl, nbit = dst.size, 8 * es
    n = vl // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    on = [kv >> j & 1 for j in range(n)]
    page = {max(st.off, 0) + i: b for i, b in enumerate(st.mem)}
    fmt = f'<{n}{ {2: "H", 4: "I", 8: "Q"}[es]}'

    def grab(lo, size):
        if lo < 0 or lo + size > PAGE:
            raise Fault('PF')
        return bytes(page[x] for x in range(lo, lo + size))

    def fv(o):
        """The bytes of an FV operand (masked-off memory elements: 0)."""
        if o.kind == 'v':
            return st.z[o.n].to_bytes(64, 'little')[:vl]
        if o.bcst:
            return (grab(st.off, es) if any(on) else bytes(es)) * n
        return b''.join(grab(st.off + es * j, es) if on[j] else bytes(es)
                        for j in range(n))

    try:
        if ops[-1].kind == 'i':
            data, counts = fv(ops[1]), [ops[2].n] * n
        else:
            data = st.z[ops[1].n].to_bytes(64, 'little')[:vl]
            if var:
                counts = list(struct.unpack(fmt, fv(ops[2])))
            else:
                raw = st.z[ops[2].n].to_bytes(64, 'little')[:16] \
                    if ops[2].kind == 'v' else grab(st.off, 16)
                counts = [struct.unpack('<Q', raw[:8])[0]] * n
    except Fault as f:
        return str(f), None
    out = []
    for x, c in zip(struct.unpack(fmt, data), counts):
        bits = shift_bits(op, [x >> i & 1 for i in range(nbit)], c)
        out.append(sum(b << i for i, b in enumerate(bits)))
    return None, bytes_reference(insn, st, es, int.from_bytes(
        struct.pack(fmt, *out), 'little'))


def shift_invariants(name, insn, st, out):
    """Group shift: the second formulation; an immediate or xmm/m128
    count gives what the V row gives with that count in every element (a
    count of the element width or more: the widest count the element
    holds, the same for VPSLL/VPSRL/VPSRA); a rotate of a register is the
    OR of the V rows' left and right shifts by r and width - r (r: the
    count mod the width)."""
    bad = []
    exc, ref = shift_reference(insn, st)
    dst = insn.ops[0]
    if exc != out.exc or (exc is None and out.z.get(dst.n) != ref):
        got = out.exc or f'{out.z.get(dst.n, 0):x}'
        want = exc or f'{ref:x}'
        bad.append(f'{name}: differs from the bit-list formulation '
                   f'(model {got}, formulation {want})')
    es, _, var = SHIFT_ROWS[insn.mn]
    ops, nbit = insn.ops, 8 * es
    if out.exc is not None or var or ops[1].kind != 'v':
        return bad
    n = dst.size // es
    if ops[-1].kind == 'i':
        counts = [ops[2].n] * n
    else:
        raw = st.z[ops[2].n] if ops[2].kind == 'v' else \
            int.from_bytes(st.mem[:8], 'little')
        counts = [min(raw & ONES64, emask(es))] * n
    cnt = 99                            # a register of our own for counts

    def by_v_row(mn, cs, mask=insn.mask, zero=insn.zero):
        v = dataclasses.replace(insn, mn=mn, mask=mask, zero=zero, ops=(
            dst, ops[1], Op('v', cnt, dst.size)))
        z = dict(st.z)
        z[cnt] = sum(c << (nbit * j) for j, c in enumerate(cs))
        return model(v, dataclasses.replace(st, z=z)).z[dst.n]

    vmn = insn.mn[:-1] + 'v' + insn.mn[-1]
    if by_v_row(vmn, counts) != out.z[dst.n]:
        bad.append(f'{name}: differs from {vmn} with the count in every '
                   'element')
    if insn.mn.startswith(('vprol', 'vpror')) and insn.mask is None:
        r = [c % nbit for c in counts]
        left, right = ('vpsllv', 'vpsrlv') if insn.mn.startswith('vprol') \
            else ('vpsrlv', 'vpsllv')
        x = by_v_row(left + insn.mn[-1], r) | \
            by_v_row(right + insn.mn[-1], [nbit - c for c in r])
        if x != out.z[dst.n]:
            bad.append(f'{name}: differs from the OR of two shifts')
    return bad


def imm_fields(imm, width):
    """imm8 cut into fields of width bits, field 0 first (a bit string
    read backwards: the second formulation's way with immediates)."""
    bits = f'{imm & 0xff:08b}'[::-1]
    return [int(bits[p:p + width][::-1], 2) for p in range(0, 8, width)]


def perm_reference(insn, st):
    """Group perm, the second formulation: (exception, result), the result
    being the destination register's value or, for a store, {offset:
    byte} written.  The operands are byte strings unpacked with struct
    into element lists; the rows are restated on lists: VPERMI2/T2 index
    the concatenation of their two tables modulo 2*KL, the in-lane rows
    work on lists of 128-bit lanes, the immediates are cut with
    imm_fields(), inserts and extracts splice byte strings, compress
    filters and expand draws from an iterator.  The fault rule on byte
    ranges: the whole memory operand (or the {1toN} element) of the rows
    without fault suppression, whatever the mask; the packed elements of
    compress and expand.  Masking is bytes_reference()'s, but for
    compress to a register (packed from element 0, then the old value or
    zeros)."""
    mn, ops = insn.mn, insn.ops
    es, fam = PERM_ROWS[mn]
    code = UFMT[es]
    dst = ops[0]
    vl = max(o.size for o in ops if o.kind == 'v')
    kl = vl // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    imm = ops[-1].n if ops[-1].kind == 'i' else 0
    page = {max(st.off, 0) + i: b for i, b in enumerate(st.mem)}

    def span(lo, n):
        if lo < 0 or lo + n > PAGE:
            return None
        return bytes(page[x] for x in range(lo, lo + n))

    def raw(op, n):
        """n bytes of a register, of memory (None: a fault) or of the
        {1toN} element repeated."""
        if op.kind == 'v':
            return st.z[op.n].to_bytes(64, 'little')[:n]
        if op.bcst:
            one = span(st.off, es)
            return None if one is None else one * (n // es)
        return span(st.off, n)

    def unpack(b):
        return list(struct.unpack(f'<{len(b) // es}{code}', b))

    def pack(vals):
        return int.from_bytes(struct.pack(f'<{len(vals)}{code}', *vals),
                              'little')

    def lanes_of(vals):
        per = 16 // es
        return [vals[i:i + per] for i in range(0, len(vals), per)]

    if fam == 'extract':
        bs = block_size(mn)
        src = raw(ops[1], ops[1].size)
        pos = imm % (ops[1].size // bs)
        block = src[bs * pos:bs * (pos + 1)]
        on = [kv >> j & 1 for j in range(bs // es)]
        if dst.kind == 'v':
            return None, bytes_reference(insn, st, es,
                                         int.from_bytes(block, 'little'))
        if span(st.off, bs) is None:
            return 'PF', None
        return None, {st.off + b: block[b] for b in range(bs)
                      if on[b // es]}
    on = [kv >> j & 1 for j in range(kl)]
    if fam == 'compress':
        src = unpack(raw(ops[1], vl))
        packed = [x for x, o in zip(src, on) if o]
        nb = es * len(packed)
        body = struct.pack(f'<{len(packed)}{code}', *packed)
        if dst.kind == 'm':
            if nb and span(st.off, nb) is None:
                return 'PF', None
            return None, {st.off + b: body[b] for b in range(nb)}
        rest = bytes(vl - nb) if insn.zero else \
            st.z[dst.n].to_bytes(64, 'little')[nb:vl]
        return None, int.from_bytes(body + rest, 'little')
    if fam == 'expand':
        n = sum(on)
        src = raw(ops[1], vl) if ops[1].kind == 'v' else \
            (span(st.off, es * n) if n else b'')
        if src is None:
            return 'PF', None
        it = iter(unpack(src[:es * n]))
        res = [next(it) if o else 0 for o in on]
        return None, bytes_reference(insn, st, es, pack(res))
    if fam == 'insert':
        bs = block_size(mn)
        block = raw(ops[2], bs)
        if block is None:
            return 'PF', None
        out = bytearray(raw(ops[1], vl))
        pos = imm % (vl // bs)
        out[bs * pos:bs * (pos + 1)] = block
        return None, bytes_reference(insn, st, es,
                                     int.from_bytes(out, 'little'))
    srcs = [raw(o, vl) for o in ops[1:] if o.kind in 'vm']
    if any(s is None for s in srcs):
        return 'PF', None
    a = unpack(srcs[0])
    b = unpack(srcs[1]) if len(srcs) > 1 else None
    if fam == 'perm' and ops[-1].kind == 'i':
        f = imm_fields(imm, 2)
        res = [a[4 * (j // 4) + f[j % 4]] for j in range(kl)]
    elif fam == 'perm':
        res = [b[x % kl] for x in a]
    elif fam in ('permi2', 'permt2'):
        idx = unpack(st.z[(dst if fam == 'permi2' else ops[1]).n]
                     .to_bytes(64, 'little')[:vl])
        first = unpack(st.z[(ops[1] if fam == 'permi2' else dst).n]
                       .to_bytes(64, 'little')[:vl])
        table = first + b
        res = [table[x % (2 * kl)] for x in idx]
    elif fam == 'permil':
        if ops[-1].kind == 'i':
            f = imm_fields(imm, 2 if es == 4 else 1)
            sel = [f[j % 4] if es == 4 else f[j] for j in range(kl)]
        else:
            sel = [x % 4 if es == 4 else x // 2 % 2 for x in b]
        res = [x[sel[j]] for j, x in enumerate(
            lane for lane in lanes_of(a) for _ in lane)]
    elif fam == 'shuf':
        res = []
        for n, (la, lb) in enumerate(zip(lanes_of(a), lanes_of(b))):
            if es == 4:
                f = imm_fields(imm, 2)
                res += [la[f[0]], la[f[1]], lb[f[2]], lb[f[3]]]
            else:
                f = imm_fields(imm, 1)
                res += [la[f[2 * n]], lb[f[2 * n + 1]]]
    else:
        res = []
        for la, lb in zip(lanes_of(a), lanes_of(b)):
            h = len(la) // 2
            half = slice(h, None) if fam == 'unpckh' else slice(0, h)
            res += [x for pair in zip(la[half], lb[half]) for x in pair]
    return None, bytes_reference(insn, st, es, pack(res))


# the rows whose result element may come from anywhere in the vector:
# the narrowing invariant (128 bits give the low 128 bits) does not hold
PERM_CROSS = frozenset(('perm', 'permi2', 'permt2', 'compress'))


def perm_nf_memory(insn):
    """A perm row without fault suppression with a memory source."""
    row = PERM_ROWS.get(insn.mn)
    return bool(row) and row[1] in PERM_NF and \
        any(o.kind == 'm' for o in insn.ops)


def spare_reg(insn):
    """A vector register the instruction does not name."""
    used = {o.n for o in insn.ops if o.kind == 'v'}
    return next(n for n in range(32) if n not in used)


def perm_invariants(name, insn, st, out):
    """Group perm: the second formulation; every element of a register
    result is an element of an input (or 0: the rows only move data);
    and relations between the rows, each on the same input: VPERMI2 and
    VPERMT2 with the index and first-table roles swapped agree; VPERMD/Q/
    PS/PD are VPERMI2 with both tables the same register; VPERMQ/PD imm8
    and VPERMILPS/PD imm8 are their control-vector rows with the vector
    built from the imm8; VSHUFPS/PD of a register with itself is
    VPERMILPS/PD imm8, VUNPCKL/HPS of a register with itself are
    VPERMILPS with imm8 0x50 / 0xfa, VUNPCKLPD and VUNPCKHPD are VSHUFPD
    with imm8 0x00 and 0xff (every form); garbage in an index's unused
    bits changes nothing; an extract of an insert at the same imm8 gives
    the inserted block back; expand undoes compress (and compress
    expand) under the same zeroing mask."""
    bad = []
    mn, ops = insn.mn, insn.ops
    es, fam = PERM_ROWS[mn]
    dst = ops[0]
    exc, ref = perm_reference(insn, st)
    got = out.mem if dst.kind == 'm' else out.z.get(dst.n)
    if exc != out.exc or (exc is None and got != ref):
        g = out.exc or (got if dst.kind == 'm' else f'{got or 0:x}')
        w = exc or (ref if dst.kind == 'm' else f'{ref:x}')
        bad.append(f'{name}: differs from the struct formulation '
                   f'(model {g}, formulation {w})')
    if out.exc is not None:
        return bad
    vl = max(o.size for o in ops if o.kind == 'v')
    kl = vl // es
    if dst.kind == 'v':
        pool = {0}
        for v in st.z.values():
            pool |= {elem(v, es, j) for j in range(64 // es)}
        page = {max(st.off, 0) + i: b for i, b in enumerate(st.mem)}
        for s in range(st.off, st.off + vl, es):
            if all(x in page for x in range(s, s + es)):
                pool.add(sum(page[s + i] << (8 * i) for i in range(es)))
        res = out.z[dst.n]
        if any(elem(res, es, j) not in pool
               for j in range(dst.size // es)):
            bad.append(f'{name}: an element that is in no input')

    def res(i, s=st):
        """The exception and destination register of i on s."""
        o = model(i, s)
        return o.exc, None if o.exc else o.z.get(i.ops[0].n)

    def check(i, want, s=st, what=''):
        if res(i, s) != want:
            bad.append(f'{name}: not {i.mn} {what}'.rstrip())

    plain = dataclasses.replace(insn, mask=None, zero=False)
    base = res(plain)
    sfx = mn[len('vpermi2'):] if fam in ('permi2', 'permt2') else \
        mn[len('vperm'):]
    if fam in ('permi2', 'permt2'):
        other = ('vpermt2' if fam == 'permi2' else 'vpermi2') + sfx
        check(dataclasses.replace(plain, mn=other, ops=(ops[1], dst,
                                                        ops[2])),
              base, what='with the roles swapped')
    sr = spare_reg(insn)
    if fam == 'perm' and ops[-1].kind != 'i' and ops[2].kind == 'v':
        check(dataclasses.replace(plain, mn='vpermi2' + sfx,
                                  ops=(ops[1], ops[2], ops[2])),
              base, what='with both tables SRC2')
    if fam in ('perm', 'permil') and ops[-1].kind == 'i' and \
            (fam == 'perm' or ops[1].kind == 'v'):
        imm = ops[-1].n
        if fam == 'perm':
            ctl = [(j & ~3) | (imm >> 2 * (j % 4) & 3) for j in range(kl)]
        elif es == 4:
            ctl = [imm >> 2 * (j % 4) & 3 for j in range(kl)]
        else:
            ctl = [(imm >> j & 1) << 1 for j in range(kl)]
        z = dict(st.z)
        z[sr] = sum(x << (8 * es * j) for j, x in enumerate(ctl))
        cop = Op('v', sr, dst.size)
        vops = (dst, cop, ops[1]) if fam == 'perm' else (dst, ops[1], cop)
        check(dataclasses.replace(plain, ops=vops), base,
              dataclasses.replace(st, z=z), 'with its imm8 as a control '
              'vector')
    if fam == 'shuf' and ops[1].kind == 'v':
        twice = dataclasses.replace(plain, ops=(dst, ops[1], ops[1],
                                                ops[-1]))
        check(dataclasses.replace(plain, mn='vpermil' + mn[-2:],
                                  ops=(dst, ops[1], ops[-1])),
              res(twice), what='(SRC1 and SRC1)')
    if fam in ('unpckl', 'unpckh') and es == 4 and ops[1].kind == 'v':
        twice = dataclasses.replace(plain, ops=(dst, ops[1], ops[1]))
        imm = 0x50 if fam == 'unpckl' else 0xfa
        check(dataclasses.replace(plain, mn='vpermilps',
                                  ops=(dst, ops[1], Op('i', imm))),
              res(twice), what='(SRC1 and SRC1)')
    if fam in ('unpckl', 'unpckh') and es == 8:
        imm = 0 if fam == 'unpckl' else 0xff
        check(dataclasses.replace(insn, mn='vshufpd',
                                  ops=ops + (Op('i', imm),)),
              res(insn), what=f'imm8 {imm:#x}')
    if fam in ('perm', 'permi2', 'permt2') and ops[-1].kind != 'i':
        at = 0 if fam == 'permi2' else 1
        ix = ops[at]
        keep = 2 * kl - 1 if fam != 'perm' else kl - 1
        v = st.z[ix.n]
        clean = sum((elem(v, es, j) & keep) << (8 * es * j)
                    for j in range(64 // es))
        if ix.n not in {o.n for p, o in enumerate(ops)
                        if o.kind == 'v' and p != at}:
            check(plain, base, dataclasses.replace(
                st, z={**st.z, ix.n: clean}), 'with the unused index '
                'bits cleared')
    pexc, pz = base
    if fam == 'insert' and ops[2].kind == 'v' and pexc is None:
        bs = ops[2].size
        ext = Insn('vextract' + mn[7:], (Op('v', sr, bs), dst, ops[3]))
        e = model(ext, dataclasses.replace(st, z={**st.z, dst.n: pz,
                                                  sr: 0}))
        if e.exc or e.z.get(sr) != st.z[ops[2].n] & ((1 << (8 * bs)) - 1):
            bad.append(f'{name}: the extract of the insert is not the '
                       'block')
    if fam in ('compress', 'expand') and ops[1].kind == 'v' and \
            dst.kind == 'v' and insn.mask is not None:
        z1 = dataclasses.replace(insn, zero=True)
        first = model(z1, st).z[dst.n]
        back = dataclasses.replace(z1, mn=mn.replace(
            'compress', 'expand') if fam == 'compress' else mn.replace(
            'expand', 'compress'), ops=(Op('v', sr, dst.size), dst))
        second = model(back, dataclasses.replace(
            st, z={**st.z, dst.n: first})).z[sr]
        kv = st.k[insn.mask]
        n = sum(kv >> j & 1 for j in range(kl))
        src = st.z[ops[1].n]
        if fam == 'compress':
            want = sum(elem(src, es, j) << (8 * es * j) for j in range(kl)
                       if kv >> j & 1)
        else:
            want = src & ((1 << (8 * es * n)) - 1)
        if second != want:
            bad.append(f'{name}: {back.mn} does not undo it')
    return bad


# ---- group trunc: second formulation and invariants ----------------------

# struct codes of a signed element of 1, 2, 4, 8 bytes (upper case:
# unsigned)
SCODE = {1: 'b', 2: 'h', 4: 'i', 8: 'q'}


def ref_down_element(x, ses, des, sat):
    """One down-converted element as des bytes: x is the source element
    as ses little-endian bytes; struct.pack refuses a value outside the
    destination's range, which saturation then replaces by the end of the
    range on the side of the value."""
    if sat == '':
        return x[:des]
    code = SCODE[des] if sat == 's' else SCODE[des].upper()
    v = struct.unpack('<' + (SCODE[ses] if sat == 's'
                             else SCODE[ses].upper()), x)[0]
    try:
        return struct.pack('<' + code, v)
    except struct.error:
        if sat == 'us':
            return b'\xff' * des
        lim = (1 << (8 * des - 1)) - (1 if v > 0 else 0)
        return struct.pack('<' + code, lim if v > 0 else -lim)


def ref_in_page(spans):
    return all(0 <= lo and hi <= PAGE for lo, hi in spans)


def ref_page_bytes(st, lo, n):
    page = {max(st.off, 0) + i: b for i, b in enumerate(st.mem)}
    return bytes(page[x] for x in range(lo, lo + n))


def trunc_reference(insn, st):
    """Group trunc, the second formulation, on byte strings: (exception,
    {register: value}, {offset: byte} written, {GPR slot: value}).  The
    down-converts convert element by element with struct
    (ref_down_element), the other rows shuffle byte slices; the fault
    rule is restated on byte ranges (the active elements of a
    down-convert store; the whole operand otherwise); masking is
    bytes_reference()'s or, for a down-convert to a register, done here
    on the result's bytes."""
    mn, ops = insn.mn, insn.ops
    dst = ops[0]
    kv = ONES64 if insn.mask is None else st.k[insn.mask]

    def reg(op):
        return st.z[op.n].to_bytes(64, 'little')

    if mn.startswith('vpmov'):
        src = ops[1]
        m = re.match(r'vpmov(s|us|)([wdq])([bwd])$', mn)
        ses, des = KW[m.group(2)], KW[m.group(3)]
        kl = src.size // ses
        x = reg(src)
        res = [ref_down_element(x[ses * j:ses * (j + 1)], ses, des,
                                m.group(1)) for j in range(kl)]
        on = [kv >> j & 1 for j in range(kl)]
        if dst.kind == 'm':
            if not ref_in_page([(st.off + des * j, st.off + des * j + des)
                                for j in range(kl) if on[j]]):
                return 'PF', {}, {}, {}
            return None, {}, {st.off + des * j + b: res[j][b]
                              for j in range(kl) if on[j]
                              for b in range(des)}, {}
        old = reg(dst)
        out = b''.join(res[j] if on[j] else bytes(des) if insn.zero
                       else old[des * j:des * (j + 1)] for j in range(kl))
        return None, {dst.n: int.from_bytes(out, 'little')}, {}, {}
    if mn in DUP_ROWS:
        src, vl = ops[1], dst.size
        if src.kind == 'm':
            size = 8 if mn == 'vmovddup' and vl == 16 else vl
            if not ref_in_page([(st.off, st.off + size)]):
                return 'PF', {}, {}, {}
            x = ref_page_bytes(st, st.off, size)
        else:
            x = reg(src)[:vl]
        d = struct.unpack(f'<{len(x) // 4}I', x)
        # dword i of the result: the dword of x it copies
        pick = {'vmovsldup': lambda i: i & ~1, 'vmovshdup': lambda i: i | 1,
                'vmovddup': lambda i: i & ~3 | i & 1}[mn]
        full = struct.pack(f'<{vl // 4}I', *[d[pick(i)]
                                             for i in range(vl // 4)])
        es = 8 if mn == 'vmovddup' else 4
        return None, {dst.n: bytes_reference(
            insn, st, es, int.from_bytes(full, 'little'))}, {}, {}
    if mn[:6] in ('vpinsr', 'vpextr'):
        return ref_pinsr_pextr(insn, st, reg)
    # the rest: the operand is 8 bytes (VMOV*) or 4 (m32), read whole
    mem = b''
    if any(o.kind == 'm' for o in ops):
        n = 8 if mn.startswith('vmov') else 4
        if not ref_in_page([(st.off, st.off + n)]):
            return 'PF', {}, {}, {}
        mem = ref_page_bytes(st, st.off, n) if dst.kind != 'm' else b''
    if mn in ('vextractps', 'vinsertps') or dst.kind == 'm':
        if mn == 'vextractps':
            sel = ops[2].n % 4
            x = reg(ops[1])[4 * sel:4 * sel + 4]
            if dst.kind == 'm':
                return None, {}, {st.off + i: x[i] for i in range(4)}, {}
            return None, {}, {}, {dst.n: int.from_bytes(x, 'little')}
        if mn == 'vinsertps':
            imm = ops[3].n
            d = list(struct.unpack('<4I', reg(ops[1])[:16]))
            s = mem if ops[2].kind == 'm' else \
                reg(ops[2])[4 * (imm >> 6):4 * (imm >> 6) + 4]
            d[imm >> 4 & 3] = struct.unpack('<I', s)[0]
            zm = f'{imm & 15:04b}'[::-1]
            out = struct.pack('<4I', *[0 if zm[i] == '1' else d[i]
                                       for i in range(4)])
            return None, {dst.n: int.from_bytes(out, 'little')}, {}, {}
        x = reg(ops[1])
        part = x[8:16] if mn in ('vmovhps', 'vmovhpd') else x[:8]
        return None, {}, {st.off + i: part[i] for i in range(8)}, {}
    # the loads and VMOVHLPS/VMOVLHPS: 16 bytes from two 8-byte slices
    a = reg(ops[1])
    b = mem if ops[2].kind == 'm' else reg(ops[2])[:16]
    out = {'vmovhps': a[:8] + b[:8], 'vmovhpd': a[:8] + b[:8],
           'vmovlps': b[:8] + a[8:16], 'vmovlpd': b[:8] + a[8:16],
           'vmovhlps': b[8:16] + a[8:16], 'vmovlhps': a[:8] + b[:8]}[mn]
    return None, {dst.n: int.from_bytes(out, 'little')}, {}, {}


def ref_pinsr_pextr(insn, st, reg):
    """VPINSR*/VPEXTR* as byte strings: (exception, z, mem, gpr)."""
    mn, ops = insn.mn, insn.ops
    es = {'b': 1, 'w': 2, 'd': 4, 'q': 8}[mn[-1]]
    sel = ops[-1].n % (16 // es)
    mop = [o for o in ops if o.kind == 'm']
    if mop and not ref_in_page([(st.off, st.off + es)]):
        return 'PF', {}, {}, {}
    if mn.startswith('vpextr'):
        x = reg(ops[1])[es * sel:es * sel + es]
        if ops[0].kind == 'm':
            return None, {}, {st.off + i: x[i] for i in range(es)}, {}
        return None, {}, {}, {ops[0].n: int.from_bytes(x, 'little')}
    a = bytearray(reg(ops[1])[:16])
    a[es * sel:es * sel + es] = ref_page_bytes(st, st.off, es) if mop \
        else st.gpr[ops[2].n].to_bytes(8, 'little')[:es]
    return None, {ops[0].n: int.from_bytes(bytes(a), 'little')}, {}, {}


def at_offset(insn, st, off, mem):
    """st with insn's memory operand moved to offset off of the scratch
    page, holding the bytes mem (those in the page)."""
    idx = sx(st.gpr[3], 64) if insn.scale else 0
    g = list(st.gpr)
    g[2] = (st.scratch + off - insn.disp - idx * insn.scale) & ONES64
    return dataclasses.replace(st, off=off, mem=mem, gpr=g)


def trunc_down_invariants(name, insn, st, out, run):
    """The down-converts: the element relations of truncation and the two
    saturations (run unmasked into a register), the same bytes to a
    register and to memory, the result of a narrower source a prefix,
    and every element masked off."""
    bad = []
    mn, (dst, src) = insn.mn, insn.ops
    m = re.match(r'vpmov(s|us|)([wdq])([bwd])$', mn)
    ses, des = KW[m.group(2)], KW[m.group(3)]
    kl, b = src.size // ses, 8 * des
    tmp = Op('v', src.n, 16 if kl * des <= 16 else 32)
    plain = Insn(mn, (tmp, src), feature=insn.feature)
    res = {sat: run(dataclasses.replace(plain, mn=f'vpmov{sat}{m.group(2)}'
                                        f'{m.group(3)}'))[1][tmp.n]
           for sat in ('', 's', 'us')}
    if any(v >> (8 * des * kl) for v in res.values()):
        bad.append(f'{name}: the register result is wider than KL elements')
    x = st.z[src.n]
    for j in range(kl):
        v = elem(x, ses, j)
        t, s, u = (elem(res[k], des, j) for k in ('', 's', 'us'))
        fits = -(1 << (b - 1)) <= sx(v, 8 * ses) < 1 << (b - 1)
        if t != v & emask(des):
            bad.append(f'{name}: element {j} truncated is not the low bits')
        elif fits and s != t or not fits and (
                s not in (1 << (b - 1), (1 << (b - 1)) - 1) or
                (s >> (b - 1)) != (v >> (8 * ses - 1))):
            bad.append(f'{name}: element {j} saturated (signed) is neither '
                       'the value nor the limit on its side')
        elif u != (t if v <= emask(des) else emask(des)):
            bad.append(f'{name}: element {j} saturated (unsigned) is '
                       'neither the value nor the maximum')
        else:
            continue
        break
    # saturation keeps the order of the elements
    for sat, conv in (('s', lambda v, n: sx(v, n)), ('us', lambda v, n: v)):
        pairs = [(conv(elem(x, ses, j), 8 * ses),
                  conv(elem(res[sat], des, j), b)) for j in range(kl)]
        pairs.sort()
        if any(p[1] > q[1] for p, q in zip(pairs, pairs[1:])):
            bad.append(f'{name}: VPMOV{sat.upper()} does not keep the '
                       'order of the elements')
    mine = res[m.group(1)]
    kmask = ONES64 if insn.mask is None else st.k[insn.mask]
    active = [kmask >> j & 1 for j in range(kl)]
    size = kl * des
    if out.exc is None:
        # the same bytes to memory (in the page) and to a register
        mem = bytes(size)
        minsn = dataclasses.replace(insn, ops=(Op('m'), src), zero=False)
        mexc, _, mw = run(minsn, at_offset(minsn, st, 1024, mem))
        want = {1024 + des * j + i: elem(mine, 1, des * j + i)
                for j in range(kl) if active[j] for i in range(des)}
        if mexc is not None or mw != want:
            bad.append(f'{name}: the store writes other bytes than the '
                       'register result has')
        if dst.kind == 'v':
            old = st.z[dst.n] & ((1 << (8 * size)) - 1)
            got = out.z[dst.n]
            for j in range(kl):
                keep = 0 if insn.zero else elem(old, des, j)
                if elem(got, des, j) != (elem(mine, des, j) if active[j]
                                         else keep):
                    bad.append(f'{name}: element {j} of the register '
                               'result is neither converted nor masked')
                    break
    if src.size > 16:
        narrow = dataclasses.replace(plain, ops=(
            Op('v', src.n, 16), Op('v', src.n, 16)))
        nres = run(narrow)[1][src.n]
        if nres != mine & ((1 << (8 * 16 // ses * des)) - 1):
            bad.append(f'{name}: from an xmm source not the low elements')
    if insn.mask is not None:
        k0 = list(st.k)
        k0[insn.mask] = 0
        e, z, mw = run(insn, dataclasses.replace(st, k=k0))
        keep = 0 if insn.zero else st.z.get(dst.n, 0) & \
            ((1 << (8 * size)) - 1)
        if e is not None or mw or (dst.kind == 'v' and z[dst.n] != keep):
            bad.append(f'{name}: with every element masked off not '
                       f'{"unchanged" if dst.kind == "m" else "kept"} '
                       f'({e})')
    return bad


def trunc_invariants(name, insn, st, out):
    """Group trunc: the second formulation (trunc_reference), then per
    row kind relations with other rows and forms of the group."""
    bad = []
    mn, ops = insn.mn, insn.ops
    exc, z, mem, gpr = trunc_reference(insn, st)
    got = (out.exc, out.z if out.exc is None else {},
           out.mem if out.exc is None else {},
           {s: out.gpr[s] for s in gpr} if out.exc is None else {})
    if got != (exc, z, mem, gpr) or out.exc is None and any(
            out.gpr[s] != st.gpr[s] for s in range(4) if s not in gpr):
        bad.append(f'{name}: differs from the byte-string formulation '
                   f'(model {got}, formulation {(exc, z, mem, gpr)})')

    def run(i, s=st):
        o = model(i, s)
        return o.exc, o.z, o.mem

    if mn.startswith('vpmov'):
        return bad + trunc_down_invariants(name, insn, st, out, run)
    dst = ops[0]
    if mn in DUP_ROWS:
        src, es = ops[1], DUP_ROWS[mn][0]
        plain = dataclasses.replace(insn, mask=None, zero=False)
        pexc, pz, _ = run(plain)
        if pexc is None:
            # idempotent; pairs of equal elements
            again = run(dataclasses.replace(plain, ops=(dst, Op(
                'v', dst.n, dst.size))), dataclasses.replace(
                    st, z={**st.z, dst.n: pz[dst.n]}))[1]
            r = pz[dst.n]
            if again.get(dst.n) != r or any(
                    elem(r, es, 2 * j) != elem(r, es, 2 * j + 1)
                    for j in range(dst.size // es // 2)):
                bad.append(f'{name}: not pairs of equal elements, or not '
                           'idempotent')
        if src.kind == 'm':
            size = 8 if mn == 'vmovddup' and dst.size == 16 else dst.size
            inside = 0 <= st.off and st.off + size <= PAGE
            if pexc is None and inside:
                val = int.from_bytes(st.mem, 'little')
                rexc, rz, _ = run(dataclasses.replace(
                    plain, ops=(dst, Op('v', 99, dst.size))),
                    dataclasses.replace(st, z={**st.z, 99: val}))
                if rexc is not None or rz[dst.n] != pz[dst.n]:
                    bad.append(f'{name}: from memory not what the register '
                               'form gives')
            if insn.mask is not None:
                k0 = list(st.k)
                k0[insn.mask] = 0
                e = run(insn, dataclasses.replace(st, k=k0))[0]
                if e != (None if inside else 'PF'):
                    bad.append(f'{name}: every element masked off: '
                               f'{e or "no fault"} (E4NF/E5NF: the whole '
                               'operand is read)')
        return bad
    if out.exc is not None:
        return bad
    if mn in HALF_STORE and dst.kind == 'm':
        # stored, then loaded back by the same row into SRC1 = the source
        src = ops[1]
        back = run(Insn(mn, (Op('v', 98, 16), src, Op('m'))),
                   dataclasses.replace(st, off=0, mem=bytes(
                       out.mem[st.off + i] for i in range(8)),
                       gpr=[0, 0, st.scratch, 0]))[1]
        if back.get(98) != st.z[src.n] & ((1 << 128) - 1):
            bad.append(f'{name}: loading back what it stored does not '
                       'give the source')
    elif mn in HALF_LOAD:
        # a load is VMOVLHPS/VMOVHLPS with the m64 in a register, the PS
        # and PD rows are the same, and so on
        twin = {'vmovhps': 'vmovlhps', 'vmovhpd': 'vmovlhps',
                'vmovlps': 'vmovhlps', 'vmovlpd': 'vmovhlps',
                'vmovlhps': 'vmovhpd', 'vmovhlps': 'vmovlps'}[mn]
        src2 = ops[2]
        if src2.kind == 'm':
            m64 = int.from_bytes(st.mem, 'little')
            val = m64 << 64 if twin == 'vmovhlps' else m64
            tst = dataclasses.replace(st, z={**st.z, 97: val})
            tops = (dst, ops[1], Op('v', 97, 16))
        else:
            q = elem(st.z[src2.n], 8, 1 if mn == 'vmovhlps' else 0)
            tst = at_offset(insn, st, 512, q.to_bytes(8, 'little'))
            tops = (dst, ops[1], Op('m'))
        texc, tz, _ = run(Insn(twin, tops), tst)
        if texc is not None or tz.get(dst.n) != out.z[dst.n]:
            bad.append(f'{name}: not what {twin.upper()} gives')
    elif mn == 'vextractps':
        src, sel = ops[1], ops[2].n & 3
        v = out.gpr[dst.n] if dst.kind == 'g' else int.from_bytes(
            bytes(out.mem[st.off + i] for i in range(4)), 'little')
        # VINSERTPS of dword sel into dword 0, dwords 1-3 zeroed
        ins = run(Insn('vinsertps', (Op('v', 96, 16), src, src,
                                     Op('i', sel << 6 | 0xe))))[1]
        if ins.get(96) != v:
            bad.append(f'{name}: not the dword VINSERTPS takes')
    elif mn == 'vinsertps':
        imm = ops[3].n
        if ops[2].kind == 'm':
            # the register form with COUNT_S = 3 and the m32 in dword 3
            m32 = int.from_bytes(st.mem, 'little')
            rz = run(dataclasses.replace(insn, ops=(
                dst, ops[1], Op('v', 95, 16), Op('i', imm | 0xc0))),
                dataclasses.replace(st, z={**st.z, 95: m32 << 96}))[1]
            if rz.get(dst.n) != out.z[dst.n]:
                bad.append(f'{name}: not the register form with the m32 '
                           'in dword COUNT_S')
        ones = run(dataclasses.replace(insn, ops=ops[:3] + (
            Op('i', imm | 15),)))[1]
        if ones.get(dst.n) != 0:
            bad.append(f'{name}: ZMASK 1111 does not clear the result')
        a, r = st.z[ops[1].n], out.z[dst.n]
        for i in range(4):
            if imm >> i & 1:
                want = 0
            elif i == imm >> 4 & 3:
                continue
            else:
                want = elem(a, 4, i)
            if elem(r, 4, i) != want:
                bad.append(f'{name}: dword {i} neither SRC1\'s nor 0')
                break
    return bad


# ---- group fp, the second formulation --------------------------------
#
# Values as fractions.Fraction; the rounding brackets the exact value
# between two neighbours of a grid and picks one (no guard or sticky
# bits), the square root is bracketed by comparing squares; NaNs follow
# the rows of SDM vol. 1 table 4-7 (table 14-17 for FMA); the compare
# predicates are taken apart bitwise (imm8[1:0] the relation, imm8[2]
# its negation, imm8[3] toggles the unordered result, imm8[4] toggles
# signalling on a QNaN) instead of FP_PRED's table.

class RefExact:
    """A nonzero magnitude known exactly: a Fraction (root=False) or the
    square root of one."""

    def __init__(self, v, root=False):
        self.v, self.root = Fraction(v), root

    def floor_log2(self):
        v = self.v
        e = v.numerator.bit_length() - v.denominator.bit_length()
        while Fraction(2) ** e > v:
            e -= 1
        while Fraction(2) ** (e + 1) <= v:
            e += 1
        return e // 2 if self.root else e       # floor(e / 2) for roots

    def units(self, u):
        """floor(magnitude / u)."""
        if self.root:
            return math.isqrt(math.floor(self.v / (u * u)))
        return math.floor(self.v / u)

    def versus(self, x):
        """-1, 0, 1: the magnitude below, at or above x (>= 0)."""
        a, b = (self.v, x * x) if self.root else (self.v, x)
        return (a > b) - (a < b)


def ref_round(f, neg, x, rc, ftz):
    """The RefExact x with sign neg rounded to f: (bits, flags)."""
    width = 8 * f.es
    ebits = width - 1 - f.mbits
    bias = 2 ** (ebits - 1) - 1
    two = Fraction(2)
    smallest_normal = two ** (1 - bias)
    largest = (2 - two ** -f.mbits) * two ** bias

    def to_grid(u):
        k = x.units(u)
        lo = k * u
        if x.versus(lo) == 0:
            return lo, True
        if rc == RN:
            side = x.versus(lo + u / 2)
            up = side > 0 or (side == 0 and k % 2 == 1)
        else:
            up = {RZ: False, RU: not neg, RD: neg}[rc]
        return (lo + u if up else lo), False

    top = x.floor_log2()
    r, exact = to_grid(two ** (top - f.mbits))      # unbounded exponent
    sign = 1 << (width - 1) if neg else 0
    if r > largest:
        inf = {RN: True, RZ: False, RU: not neg, RD: neg}[rc]
        return sign | ((2 ** ebits - 1) << f.mbits if inf else
                       (2 ** ebits - 1 << f.mbits) - 1), MX_OE | MX_PE
    if r < smallest_normal:
        if ftz:
            return sign, MX_UE | MX_PE
        u = two ** (1 - bias - f.mbits)
        r, exact = to_grid(u)
        return sign | int(r / u), 0 if exact else MX_UE | MX_PE
    e = top if r < two ** (top + 1) else top + 1
    frac = int(r / two ** (e - f.mbits)) - 2 ** f.mbits
    return sign | (e + bias) << f.mbits | frac, 0 if exact else MX_PE


def ref_value(f, bits, daz):
    """('nan', quiet, bits), ('inf', negative) or ('num', negative,
    Fraction magnitude, denormal)."""
    width = 8 * f.es
    neg = bits >> (width - 1) == 1
    field = bits >> f.mbits & (2 ** (width - 1 - f.mbits) - 1)
    frac = bits % 2 ** f.mbits
    bias = 2 ** (width - 2 - f.mbits) - 1
    if field == 2 ** (width - 1 - f.mbits) - 1:
        if frac:
            return ('nan', frac >> (f.mbits - 1) == 1, bits)
        return ('inf', neg)
    if field == 0:
        mag = Fraction(frac) * Fraction(2) ** (1 - bias - f.mbits)
        return ('num', neg, Fraction(0) if daz else mag, frac != 0)
    return ('num', neg, (1 + Fraction(frac, 2 ** f.mbits)) *
            Fraction(2) ** (field - bias), False)


def ref_nan(f, ops):
    """Table 4-7 (two sources: a NaN in the first source wins, else the
    second's; one source: its NaN) and table 14-17 (FMA: x, then y, then
    z), every NaN result quieted: (bits, flags) or None."""
    quiet_bit = 1 << (f.mbits - 1)
    nans = [(i, v) for i, v in enumerate(ops) if v[0] == 'nan']
    if not nans:
        return None
    signal = any(not v[1] for v in ops if v[0] == 'nan')
    return nans[0][1][2] | quiet_bit, MX_IE if signal else 0


def ref_signed(v):
    return -v[2] if v[1] else v[2]


def ref_zero_sum(f, zero_signs, rc):
    """An exact zero result: -0 if every addend was -0, +0 if every one
    was +0, else -0 only when rounding toward -infinity."""
    neg = all(zero_signs) if len(set(zero_signs)) == 1 else rc == RD
    return (1 << (8 * f.es - 1)) if neg else 0


def ref_arith(f, op, raws, rc, daz, ftz):
    """fp_arith again."""
    vals = [ref_value(f, b, daz) for b in raws]
    nan = ref_nan(f, vals)
    if nan:
        return nan
    indefinite = (2 ** (8 * f.es - f.mbits) - 1) << f.mbits | \
        1 << (f.mbits - 1)
    sign_bit = 1 << (8 * f.es - 1)
    inf = (2 ** (8 * f.es - 1 - f.mbits) - 1) << f.mbits
    de = 0 if daz or not any(v[0] == 'num' and v[3] for v in vals) \
        else MX_DE

    def result(neg, v):
        if v == 0:
            raise ModelError('zero through ref_round')
        bits, fl = ref_round(f, neg, v if isinstance(v, RefExact)
                             else RefExact(v), rc, ftz)
        return bits, fl | de

    def infinity(neg):
        return (sign_bit if neg else 0) | inf, de

    if op == 'sqrt':
        a, = vals
        if a[0] == 'inf':
            return (indefinite, MX_IE) if a[1] else infinity(False)
        if a[2] == 0:
            return (sign_bit if a[1] else 0), de
        if a[1]:
            return indefinite, MX_IE
        return result(False, RefExact(a[2], root=True))
    if op in ('add', 'sub'):
        a, b = vals
        if op == 'sub':
            b = ('inf', not b[1]) if b[0] == 'inf' else \
                ('num', not b[1]) + b[2:]
        if a[0] == 'inf' and b[0] == 'inf':
            return (indefinite, MX_IE) if a[1] != b[1] else infinity(a[1])
        if 'inf' in (a[0], b[0]):
            return infinity(a[1] if a[0] == 'inf' else b[1])
        total = ref_signed(a) + ref_signed(b)
        if total == 0:
            zeros = [v[1] for v in (a, b)] if a[2] == b[2] == 0 else []
            return ref_zero_sum(f, zeros, rc), de
        return result(total < 0, abs(total))
    if op in ('mul', 'div'):
        a, b = vals
        neg = a[1] != b[1]
        kinds = ('inf' if a[0] == 'inf' else 'zero' if a[2] == 0 else 'x',
                 'inf' if b[0] == 'inf' else 'zero' if b[2] == 0 else 'x')
        table = {'mul': {('inf', 'zero'): 'nan', ('zero', 'inf'): 'nan',
                         ('inf', 'inf'): 'inf', ('inf', 'x'): 'inf',
                         ('x', 'inf'): 'inf', ('zero', 'zero'): 'zero',
                         ('zero', 'x'): 'zero', ('x', 'zero'): 'zero'},
                 'div': {('inf', 'inf'): 'nan', ('zero', 'zero'): 'nan',
                         ('inf', 'zero'): 'inf', ('inf', 'x'): 'inf',
                         ('x', 'zero'): 'inf/0', ('zero', 'inf'): 'zero',
                         ('zero', 'x'): 'zero', ('x', 'inf'): 'zero'}}
        what = table[op].get(kinds)
        if what == 'nan':
            return indefinite, MX_IE
        if what in ('inf', 'inf/0'):
            bits, fl = infinity(neg)
            return (bits, MX_ZE) if what == 'inf/0' else (bits, fl)
        if what == 'zero':
            return (sign_bit if neg else 0), de
        return result(neg, a[2] * b[2] if op == 'mul' else a[2] / b[2])
    # FMA: x*y + z, negated as the mnemonic says
    x, y, z = vals
    pneg = (x[1] != y[1]) != op.startswith('fn')
    zneg = z[1] != op.endswith('sub')
    if 'inf' in (x[0], y[0]):
        other = y if x[0] == 'inf' else x
        if other[0] == 'num' and other[2] == 0:
            return indefinite, MX_IE
        if z[0] == 'inf' and zneg != pneg:
            return indefinite, MX_IE
        return infinity(pneg)
    if z[0] == 'inf':
        return infinity(zneg)
    prod = x[2] * y[2]
    total = (-prod if pneg else prod) + (-z[2] if zneg else z[2])
    if total == 0:
        zeros = [pneg, zneg] if prod == 0 and z[2] == 0 else []
        return ref_zero_sum(f, zeros, rc), de
    return result(total < 0, abs(total))


def ref_minmax(f, op, raws, daz):
    """VMIN/VMAX, the SDM's operation line by line."""
    src1, src2 = (ref_value(f, b, daz) for b in raws)
    sign_bit = 1 << (8 * f.es - 1)

    def out(v, b):          # DAZ: the operand as it was converted
        return b & sign_bit if v[0] == 'num' and v[2] == 0 else b
    if src1[0] == 'nan' or src2[0] == 'nan':
        return out(src2, raws[1]), MX_IE
    de = 0 if daz or not any(v[0] == 'num' and v[3] for v in (src1, src2)) \
        else MX_DE
    if src1[0] == src2[0] == 'num' and src1[2] == src2[2] == 0:
        return out(src2, raws[1]), de
    a, b = (Fraction(-1 if v[1] else 1) * 10 ** 400 if v[0] == 'inf'
            else ref_signed(v) for v in (src1, src2))
    first = a < b if op == 'min' else a > b
    return (out(src1, raws[0]) if first else out(src2, raws[1])), de


def ref_compare(f, imm, raws, daz):
    """VCMP from imm8's bits."""
    a, b = (ref_value(f, x, daz) for x in raws)
    relation = imm & 3              # EQ, LT, LE, FALSE
    if 'nan' in (a[0], b[0]):
        holds = relation == 3       # UNORD (3), false for the others
        quiet_signals = relation in (1, 2)
        quiet_signals ^= bool(imm & 16)
        holds ^= bool(imm & 4)
        holds ^= bool(imm & 8)
        snan = any(v[0] == 'nan' and not v[1] for v in (a, b))
        return holds, MX_IE if snan or quiet_signals else 0
    x, y = (Fraction(-1 if v[1] else 1) * 10 ** 400 if v[0] == 'inf'
            else ref_signed(v) for v in (a, b))
    holds = [x == y, x < y, x <= y, False][relation]
    holds ^= bool(imm & 4)
    de = 0 if daz or not any(v[0] == 'num' and v[3] for v in (a, b)) \
        else MX_DE
    return holds, de


def ref_comi(f, op, raws, daz):
    """V[U]COMIS* from the ordering of two Fractions: (RFLAGS, flags)."""
    a, b = (ref_value(f, x, daz) for x in raws)
    if 'nan' in (a[0], b[0]):
        snan = any(v[0] == 'nan' and not v[1] for v in (a, b))
        return ZF | PF | CF, MX_IE if snan or op == 'comi' else 0
    x, y = (Fraction(-1 if v[1] else 1) * 10 ** 400 if v[0] == 'inf'
            else ref_signed(v) for v in (a, b))
    de = 0 if daz or not any(v[0] == 'num' and v[3] for v in (a, b)) \
        else MX_DE
    return (CF if x < y else ZF if x == y else 0), de


def fp_reference(insn, st):
    """Group fp, the second formulation: (exception, destination value
    (vector or k), MXCSR).  The operands are unpacked with struct, the
    fault rule is ref_source_bytes()'s, masking of a vector destination
    bytes_reference()'s."""
    mn, ops = insn.mn, insn.ops
    f, scalar, kind, op, order = FP_ROWS[mn]
    es = f.es
    rnd = [o.n for o in ops if o.kind == 'r']
    imm = [o.n for o in ops if o.kind == 'i']
    regs = [o for o in ops if o.kind in 'vmk']
    dst = regs[0]
    srcs = regs[1:]
    if kind == 'fma':
        srcs = [dst] + srcs                     # DEST, SRC2, SRC3
    if kind == 'comi':
        srcs = regs                             # SRC1, SRC2: no DEST
    vl = es if scalar else (dst.size if dst.kind == 'v' else srcs[0].size)
    n = vl // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    on = [kv >> j & 1 for j in range(n)]
    code = '<%d%s' % (n, 'I' if es == 4 else 'Q')
    cols = []
    for o in srcs:
        raw = ref_source_bytes(st, o, vl, es, on)
        if raw is None:
            return 'PF', None, st.mxcsr
        cols.append(struct.unpack(code, raw[:vl]))
    mx = st.mxcsr
    rc = rnd[0] if rnd and rnd[0] < 4 else mx >> 13 & 3
    daz, ftz = mx & 0x40 != 0, mx & 0x8000 != 0
    got, flags = [], 0
    for j in range(n):
        if not on[j]:
            got.append(0)
            continue
        a = [c[j] for c in cols]
        if kind == 'cmp':
            v, fl = ref_compare(f, imm[0], a, daz)
        elif kind == 'comi':
            v, fl = ref_comi(f, op, a, daz)
        elif op in ('min', 'max'):
            v, fl = ref_minmax(f, op, a, daz)
        elif kind == 'fma':
            dest, src2, src3 = a
            xyz = {'132': (dest, src3, src2), '213': (src2, dest, src3),
                   '231': (src2, src3, dest)}[order]
            # VFMADDSUB: FMSUB in element 0, FMADD in element 1, ...
            alt = op.replace('addsub', ('sub', 'add')[j % 2]) \
                .replace('subadd', ('add', 'sub')[j % 2])
            v, fl = ref_arith(f, alt, list(xyz), rc, daz, ftz)
        elif op == 'sqrt':
            v, fl = ref_arith(f, op, a[-1:], rc, daz, ftz)
        else:
            v, fl = ref_arith(f, op, a, rc, daz, ftz)
        got.append(int(v))
        flags |= fl
    mxcsr = mx if rnd else mx | flags
    if kind == 'comi':
        return None, got[0], mxcsr
    if kind == 'cmp':
        return None, int(''.join(str(int(g)) for g in reversed(got)), 2), \
            mxcsr
    if not scalar:
        packed = struct.pack(code, *got)
        return None, bytes_reference(insn, st, es,
                                     int.from_bytes(packed, 'little')), mxcsr
    low = got[0] if on[0] else 0 if insn.zero else \
        st.z[dst.n] % 2 ** (8 * es)
    upper = st.z[srcs[0].n] // 2 ** (8 * es) % 2 ** (128 - 8 * es)
    return None, upper << (8 * es) | low, mxcsr


def ref_cvt(insn, st):
    """The conversions again, from Fractions: (exception, result (GPR
    value or DEST), MXCSR)."""
    (es, way, unsigned, trunc), isz = cvt_row(insn.mn)
    f = BIN32 if es == 4 else BIN64
    rnd = [o.n for o in insn.ops if o.kind == 'r']
    mx = st.mxcsr
    rc = RZ if trunc else rnd[0] if rnd and rnd[0] < 4 else mx >> 13 & 3
    daz, ftz = mx & 0x40 != 0, mx & 0x8000 != 0
    ops = [o for o in insn.ops if o.kind in 'vmg']
    src = ops[-1]
    size = src.size if src.kind == 'g' else es if way == 'f2i' else isz
    if src.kind == 'g':
        raw = st.gpr[src.n] % 2 ** (8 * size)
    elif src.kind == 'v':
        raw = st.z[src.n] % 2 ** (8 * size)
    else:
        b = ref_source_bytes(st, src, size, size, [1])
        if b is None:
            return 'PF', None, mx
        raw = int.from_bytes(b[:size], 'little')
    if way == 'f2i':
        bits = 8 * ops[0].size
        v = ref_value(f, raw, daz)
        lo = 0 if unsigned else -2 ** (bits - 1)
        hi = 2 ** bits - 1 if unsigned else 2 ** (bits - 1) - 1
        bad = (2 ** bits - 1 if unsigned else 2 ** (bits - 1)), MX_IE
        if v[0] != 'num':
            res, fl = bad
        else:
            x = ref_signed(v)
            n = {RN: round, RD: math.floor, RU: math.ceil,
                 RZ: math.trunc}[rc](x)
            de = MX_DE if v[3] and not daz else 0
            res, fl = bad if not lo <= n <= hi else \
                (n % 2 ** bits, (MX_PE if n != x else 0) | de)
    else:
        n = raw if unsigned or raw < 2 ** (8 * size - 1) else \
            raw - 2 ** (8 * size)
        bits_, fl = (0, 0) if n == 0 else \
            ref_round(f, n < 0, RefExact(abs(n)), rc, ftz)
        res = st.z[ops[1].n] % 2 ** 128 // 2 ** (8 * es) * 2 ** (8 * es) | \
            bits_
    return None, res, mx if rnd else mx | fl


def ref_pcvt_elem(row, raw, rc, daz, ftz):
    """pcvt_elem again, from Fractions (NaNs: by their bit fields)."""
    ses, des, way, unsigned = row[:4]
    fs, fd = FP_FORMATS[ses], FP_FORMATS[des]
    if way == 'i2f':
        n = raw if unsigned or raw < 2 ** (8 * ses - 1) else \
            raw - 2 ** (8 * ses)
        return (0, 0) if n == 0 else \
            ref_round(fd, n < 0, RefExact(abs(n)), rc, ftz)
    v = ref_value(fs, raw, daz)
    if way == 'f2i':
        bits = 8 * des
        lo = 0 if unsigned else -2 ** (bits - 1)
        hi = 2 ** bits - 1 if unsigned else 2 ** (bits - 1) - 1
        bad = (2 ** bits - 1 if unsigned else 2 ** (bits - 1)), MX_IE
        if v[0] != 'num':
            return bad
        x = ref_signed(v)
        n = {RN: round, RD: math.floor, RU: math.ceil, RZ: math.trunc}[rc](x)
        de = MX_DE if v[3] and not daz else 0
        return bad if not lo <= n <= hi else \
            (n % 2 ** bits, (MX_PE if n != x else 0) | de)
    sign = 2 ** (8 * des - 1)
    top = (2 ** (8 * des - 1 - fd.mbits) - 1) << fd.mbits
    if v[0] == 'nan':
        frac = raw % 2 ** fs.mbits
        pay = frac * 2 ** (fd.mbits - fs.mbits) if fd.mbits > fs.mbits \
            else frac // 2 ** (fs.mbits - fd.mbits)
        neg = raw >= 2 ** (8 * ses - 1)
        return (sign if neg else 0) | top | pay | 2 ** (fd.mbits - 1), \
            0 if v[1] else MX_IE
    if v[0] == 'inf':
        return (sign if v[1] else 0) | top, 0
    de = MX_DE if v[3] and not daz else 0
    if v[2] == 0:
        return (sign if v[1] else 0), de
    b, fl = ref_round(fd, v[1], RefExact(v[2]), rc, ftz)
    return b, fl | de


def ref_elementwise(name, insn, st, out, dst, des, n, ref):
    """The active elements j < n of DEST (des bytes each) against ref(j)
    (bits, flags) of the second formulation, and MXCSR against their
    flags (none under {er}/{sae})."""
    bad = []
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    flags = 0
    for j in range(n):
        if not kv >> j & 1:
            continue
        want, fl = ref(j)
        flags |= fl
        got = elem(out.z[dst.n], des, j)
        if got != want:
            bad.append(f'{name}: element {j}: model {got:x}, Fraction '
                       f'formulation {want:x}')
            break
    mx = st.mxcsr if any(o.kind == 'r' for o in insn.ops) else \
        st.mxcsr | flags
    if out.mxcsr != mx:
        bad.append(f'{name}: MXCSR {out.mxcsr:#x}, the Fraction '
                   f'formulation {mx:#x}')
    return bad


def pcvt_invariants(name, insn, st, out):
    """The packed conversions: element by element against
    ref_pcvt_elem (register sources: the memory forms' elements are the
    other groups' business); {er}/{sae} set no flag."""
    bad = []
    if out.exc is not None:
        return bad
    row, _ = pcvt_row(insn.mn)
    ses, des, way, unsigned, trunc, scalar = row[:6]
    ops = [o for o in insn.ops if o.kind in 'vm']
    dst, src = ops[0], ops[-1]
    if src.kind != 'v':
        return bad
    rnd = [o.n for o in insn.ops if o.kind == 'r']
    mx = st.mxcsr
    rc = RZ if trunc else rnd[0] if rnd and rnd[0] < 4 else mx >> 13 & 3
    daz, ftz = mx & 0x40 != 0, mx & 0x8000 != 0
    n = 1 if scalar else pcvt_count(insn)
    bad += ref_elementwise(name, insn, st, out, dst, des, n, lambda j:
                           ref_pcvt_elem(row, elem(st.z[src.n], ses, j), rc,
                                         daz, ftz))
    if not scalar and out.z[dst.n] >> (8 * des * n):
        bad.append(f'{name}: bits above the {n} elements are set')
    return bad


def ref_range_reduce(f, op, raws, imm, rc, daz):
    """fp_range and fp_reduce again, from Fractions and min/max."""
    vals = [ref_value(f, r, daz) for r in raws]
    width = 8 * f.es
    sign = 2 ** (width - 1)
    quiet = 2 ** (f.mbits - 1)
    if op == 'reduce':
        a = vals[0]
        if a[0] == 'nan':
            return raws[0] | quiet, 0 if a[1] else MX_IE
        if a[0] == 'inf':
            return 0, 0
        mode = rc if imm & 4 else imm & 3
        sc = Fraction(2) ** (imm >> 4)
        x = ref_signed(a)
        t = {RN: round, RD: math.floor, RU: math.ceil,
             RZ: math.trunc}[mode](x * sc) / sc
        if x == t:
            return (sign if mode == RD else 0), 0
        # x is not a multiple of 2^-M: inexact already
        return ref_round(f, x - t < 0, RefExact(abs(x - t)), mode,
                         False)[0], 0 if imm & 8 else MX_PE
    for r, v in zip(raws, vals):
        if v[0] == 'nan' and not v[1]:
            return r | quiet, MX_IE
    picked = [(sign if v[1] else 0) if v[0] == 'num' and v[2] == 0 else r
              for r, v in zip(raws, vals)]
    if vals[1][0] == 'nan':
        r = picked[0]
    elif vals[0][0] == 'nan':
        r = picked[1]
    else:
        def key(i):
            v = vals[i]
            mag = math.inf if v[0] == 'inf' else v[2]
            x = mag if imm & 2 or not v[1] else -mag
            # ties of opposite signs: the negative one is the smaller
            return (x, 0 if v[1] else 1)
        r = picked[(max if imm & 1 else min)((0, 1), key=key)]
    r = {0: r % sign | raws[0] // sign * sign, 1: r, 2: r % sign,
         3: r % sign + sign}[imm >> 2 & 3]
    return r, 0


def ref_special(f, op, raws, imm, rc, daz, ftz):
    """fp_special again, from Fractions."""
    if op in ('range', 'reduce'):
        return ref_range_reduce(f, op, raws, imm, rc, daz)
    vals = [ref_value(f, r, daz) for r in raws]
    nan = ref_nan(f, vals)
    if nan:
        return nan
    de = 0 if daz or not any(v[0] == 'num' and v[3] for v in vals) \
        else MX_DE
    width = 8 * f.es
    sign = 2 ** (width - 1)
    inf = (2 ** (width - 1 - f.mbits) - 1) << f.mbits
    a = vals[0]
    neg = a[1]
    if op == 'rndscale':
        if a[0] == 'inf' or a[2] == 0:
            return (sign if neg else 0) | (inf if a[0] == 'inf' else 0), de
        sc = Fraction(2) ** (imm >> 4)
        mode = rc if imm & 4 else imm & 3
        y = ref_signed(a) * sc
        q = {RN: round, RD: math.floor, RU: math.ceil, RZ: math.trunc}[mode](y)
        pe = MX_PE if q != y and not imm & 8 else 0
        if q == 0:
            return (sign if neg else 0), pe | de
        return ref_round(f, q < 0, RefExact(abs(q) / sc), RN, False)[0], \
            pe | de
    if op == 'getmant':
        if neg and imm & 8 and not (a[0] == 'num' and a[2] == 0):
            return (2 ** (width - f.mbits) - 1) << f.mbits | \
                2 ** (f.mbits - 1), MX_IE
        sb = 0 if imm & 4 or not neg else sign
        if a[0] == 'inf' or a[2] == 0:
            return sb | (2 ** (width - 2 - f.mbits) - 1) << f.mbits, de
        ex = RefExact(a[2]).floor_log2()
        mt = a[2] / Fraction(2) ** ex             # in [1, 2)
        lo = {0: 1, 1: Fraction(1, 2) if ex % 2 else 1, 2: Fraction(1, 2),
              3: Fraction(1, 2) if mt >= Fraction(3, 2) else 1}[imm & 3]
        return sb | ref_round(f, False, RefExact(mt * lo), RN, False)[0], de
    if op == 'getexp':
        if a[0] == 'inf':
            return inf, de
        if a[2] == 0:
            return sign | inf, de
        ex = RefExact(a[2]).floor_log2()
        return (0, de) if ex == 0 else \
            (ref_round(f, ex < 0, RefExact(abs(ex)), RN, False)[0], de)
    b = vals[1]
    if b[0] == 'inf':
        if (b[1] and a[0] == 'inf') or \
                (not b[1] and a[0] == 'num' and a[2] == 0):
            return (2 ** (width - f.mbits) - 1) << f.mbits | \
                2 ** (f.mbits - 1), MX_IE
        return (sign if neg else 0) | (0 if b[1] else inf), de
    if a[0] == 'inf' or a[2] == 0:
        return (sign if neg else 0) | (inf if a[0] == 'inf' else 0), de
    n = max(min(math.floor(ref_signed(b)), 4096), -4096)
    bits, fl = ref_round(f, neg, RefExact(a[2] * Fraction(2) ** n), rc, ftz)
    return bits, fl | de


def special_invariants(name, insn, st, out):
    """VRNDSCALE, VGETEXP, VSCALEF: register forms element by element
    against ref_special; {sae}/{er} set no flag."""
    bad = []
    if out.exc is not None:
        return bad
    es, scalar, op, _ = forms_fp.ALL_SPECIAL_ROWS[insn.mn]
    f = BIN32 if es == 4 else BIN64
    ops = [o for o in insn.ops if o.kind in 'vm']
    if any(o.kind == 'm' for o in ops):
        return bad
    dst = ops[0]
    srcs = ops[1:] if op in ('scalef', 'range') else ops[-1:]
    rnd = [o.n for o in insn.ops if o.kind == 'r']
    imm = next((o.n for o in insn.ops if o.kind == 'i'), 0)
    mx = st.mxcsr
    rc = rnd[0] if rnd and rnd[0] < 4 else mx >> 13 & 3
    daz, ftz = mx & 0x40 != 0, mx & 0x8000 != 0
    n = 1 if scalar else dst.size // es
    return bad + ref_elementwise(
        name, insn, st, out, dst, es, n, lambda j: ref_special(
            f, op, [elem(st.z[o.n], es, j) for o in srcs], imm, rc, daz,
            ftz))


def f16_invariants(name, insn, st, out):
    """VCVTPH2PS, VCVTPS2PH: register forms element by element against
    ref_pcvt_elem (DAZ off for VCVTPH2PS, FTZ off for VCVTPS2PH, which
    rounds by imm8); VCVTPH2PS sets no DE; {sae} sets no flag; VCVTPS2PH
    of VCVTPH2PS's result is the binary16 source again (every binary16
    number and infinity is exact in binary32; NaNs come back quieted)."""
    bad = []
    if out.exc is not None:
        return bad
    dst, src = [o for o in insn.ops if o.kind in 'vm']
    mx = st.mxcsr
    rc = mx >> 13 & 3
    if insn.mn == 'vcvtph2ps':
        if out.mxcsr & MX_DE & ~mx:
            bad.append(f'{name}: DE set')
        if src.kind != 'v':
            return bad
        n = dst.size // 4
        bad += ref_elementwise(name, insn, st, out, dst, 4, n, lambda j: (
            lambda b, fl: (b, fl & ~MX_DE))(*ref_pcvt_elem(
                (2, 4, 'f2f', False), elem(st.z[src.n], 2, j), rc, False,
                False)))
        back = dataclasses.replace(insn, mn='vcvtps2ph', mask=None,
                                   zero=False, ops=(
            dataclasses.replace(src, n=(src.n + 1) % 32),
            dataclasses.replace(dst, n=dst.n), Op('i', 4, 0, 0)))
        act = ONES64 if insn.mask is None else st.k[insn.mask]
        z = {**st.z, **out.z}
        z.setdefault(back.ops[0].n, 0)
        o = model(back, dataclasses.replace(st, z=z))
        for j in range(n):
            h = elem(st.z[src.n], 2, j)
            nan = h & 0x7c00 == 0x7c00 and h & 0x3ff
            if act >> j & 1 and \
                    elem(o.z[back.ops[0].n], 2, j) != (h | 0x200 if nan
                                                       else h):
                bad.append(f'{name}: element {j} does not convert back')
                break
        return bad
    if dst.kind != 'v':
        return bad
    n = src.size // 4
    rnd = f16_rc(insn, rc)
    daz = mx & 0x40 != 0
    bad += ref_elementwise(name, insn, st, out, dst, 2, n, lambda j:
                           ref_pcvt_elem((4, 2, 'f2f', False),
                                         elem(st.z[src.n], 4, j), rnd, daz,
                                         False))
    if out.z[dst.n] >> (16 * n):
        bad.append(f'{name}: bits above the {n} elements are set')
    return bad


PI_HALF = Fraction('1.570796326794896619231321691639751442098584699687')


def ref_fixup(f, dst, src, tbl, imm, daz):
    """fp_fixup again, from the values (ref_value) and Fractions."""
    v = ref_value(f, src, daz)
    width = 8 * f.es
    sign = 2 ** (width - 1)
    neg = src >= sign
    if v[0] == 'nan':
        j = 0 if v[1] else 1
    elif v[0] == 'inf':
        j = 4 if v[1] else 5
    elif v[2] == 0:
        j = 2
    else:
        j = 3 if v[2] == 1 and not neg else 6 if neg else 7
    tsrc = (sign if neg else 0) if j == 2 else src
    ze = j == 2 and imm & 1 or j == 3 and imm & 4
    ie = imm >> {2: 1, 3: 3, 1: 4, 4: 5, 6: 6, 5: 7}.get(j, 8) & 1
    flags = (MX_ZE if ze else 0) | (MX_IE if ie else 0)
    inf = (2 ** (width - 1 - f.mbits) - 1) << f.mbits
    quiet = 2 ** (f.mbits - 1)

    def num(x, n=False):
        return ref_round(f, n, RefExact(x), RN, False)[0]
    big = (2 - Fraction(2) ** -f.mbits) * Fraction(2) ** f.emax
    resp = tbl // 16 ** j % 16
    return [dst, tsrc, tsrc | inf | quiet, sign | inf | quiet, sign | inf,
            inf, (sign if neg else 0) | inf, sign, 0, num(1, True), num(1),
            num(Fraction(1, 2)), num(90), num(PI_HALF), num(big),
            num(big, True)][resp], flags


def fixup_invariants(name, insn, st, out):
    """VFIXUPIMM: register forms element by element against ref_fixup;
    an all-zero table keeps DEST and one of all ones gives SRC1 (DAZ
    applied); imm8 0 sets no flag."""
    bad = []
    if out.exc is not None:
        return bad
    es, scalar = forms_fp.FIXUP_ROWS[insn.mn]
    f = FP_FORMATS[es]
    dst, src1, src2 = [o for o in insn.ops if o.kind in 'vm']
    imm = next(o.n for o in insn.ops if o.kind == 'i')
    daz = st.mxcsr & MX_DAZ != 0
    n = 1 if scalar else dst.size // es
    if src2.kind == 'v':
        bad += ref_elementwise(name, insn, st, out, dst, es, n, lambda j: (
            ref_fixup(f, elem(st.z[dst.n], es, j), elem(st.z[src1.n], es, j),
                      elem(st.z[src2.n], es, j) & 0xffffffff, imm, daz)))
    # the table in a register of its own
    tn = min({*range(32)} - {dst.n, src1.n})
    for word, want in ((0, lambda j: elem(st.z[dst.n], es, j)),
                       (0x11111111, lambda j: ref_fixup(
                           f, 0, elem(st.z[src1.n], es, j), 0x11111111, 0,
                           daz)[0])):
        z = dict(st.z)
        z[tn] = sum(word << (8 * es * j) for j in range(64 // es))
        o = model(dataclasses.replace(insn, mask=None, zero=False, ops=tuple(
            Op('v', tn, dst.size) if op is src2 else op
            for op in insn.ops)), dataclasses.replace(st, z=z))
        if any(elem(o.z[dst.n], es, j) != want(j) for j in range(n)):
            bad.append(f'{name}: a table of {word:#x} does not give '
                       f'{"DEST" if word == 0 else "SRC1"}')
    if imm == 0 and out.mxcsr != st.mxcsr:
        bad.append(f'{name}: imm8 0 sets flags')
    return bad


RCP14_BOUND = Fraction(1, 2 ** 14)


def rcp14_check(f, rsqrt, raw, got, daz, ftz):
    """Is got a valid VRCP14 (VRSQRT14) result for raw, as the SDM says?
    NaNs quieted, the special cases of its table exact (a zero, or a
    denormal under DAZ: an infinity of its sign; an infinity: a zero of
    its sign, VRSQRT14 of -inf and of a negative number: the QNaN
    indefinite), and otherwise a relative error below 2^-14 (a result
    past the largest finite number may be infinity; a tiny one is zero
    under FTZ, or a denormal within one of its ulps).  None, or why not."""
    width = 8 * f.es
    sign = 2 ** (width - 1)
    v = ref_value(f, raw, daz)
    neg = raw >= sign
    sbit = sign if neg else 0
    indefinite = sign | f.expo | f.quiet
    if v[0] == 'nan':
        want = raw | f.quiet
    elif v[0] == 'inf':
        want = indefinite if rsqrt and neg else 0 if rsqrt else sbit
    elif v[2] == 0:
        want = sbit | f.expo
    elif rsqrt and neg:
        want = indefinite
    else:
        want = None
    if want is not None:
        return None if got == want else f'{got:#x}, the SDM {want:#x}'
    g = ref_value(f, got, False)
    x = v[2]
    big = (2 - Fraction(2) ** -f.mbits) * Fraction(2) ** f.emax
    tiny = Fraction(2) ** f.emin
    exact_sq = 1 / x if rsqrt else 1 / (x * x)      # the exact result^2
    if g[0] == 'nan' or (got >= sign) != (neg and not rsqrt):
        return f'{got:#x}: not a number of the sign'
    if g[0] == 'inf':
        return None if exact_sq > big * big else f'{got:#x}: inf'
    y = g[2]
    if y == 0:
        return None if ftz and exact_sq < tiny * tiny else f'{got:#x}: 0'
    lo, hi = (1 - RCP14_BOUND) ** 2, (1 + RCP14_BOUND) ** 2
    q = y * y / exact_sq
    if lo < q < hi:
        return None
    if g[3]:            # a denormal: within one ulp of the denormal grid
        ulp = Fraction(2) ** (f.emin - f.mbits)
        if (y - ulp) ** 2 <= exact_sq <= (y + ulp) ** 2:
            return None
    return f'{got:#x}: relative error beyond 2^-14'


def approximation_ok(insn, st, exp, got, diff):
    """A case of VRCP14/VRSQRT14 where a processor's output got differs
    from the model's exp only in the destination's active elements, each
    of them a valid result (rcp14_check): the processor's approximation."""
    es, scalar = forms_fp.RCP14_ROWS[insn.mn]
    f = FP_FORMATS[es]
    ops = [o for o in insn.ops if o.kind in 'vm']
    dst, src = ops[0], ops[-1]
    if any(not d.startswith(f'zmm{dst.n}:') for d in diff):
        return False
    n = 1 if scalar else dst.size // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    want = exp.z.get(dst.n, st.z.get(dst.n, 0))
    have = got['z'].get(dst.n, st.z.get(dst.n, 0))
    for j in range(MAXVL // es):
        w, h = elem(want, es, j), elem(have, es, j)
        if w == h:
            continue
        if j >= n or not kv >> j & 1:
            return False
        if src.kind == 'v':
            x = elem(st.z[src.n], es, j)
        else:
            at = st.off + (0 if src.bcst else es * j) - max(st.off, 0)
            x = int.from_bytes(st.mem[at:at + es], 'little')
        if rcp14_check(f, insn.mn.startswith('vrsqrt'), x, h,
                       st.mxcsr & MX_DAZ != 0, st.mxcsr & MX_FTZ != 0):
            return False
    return True


def rcp14_invariants(name, insn, st, out):
    """VRCP14/VRSQRT14: every active element within the SDM's bound
    (rcp14_check; register sources), MXCSR unchanged."""
    bad = []
    if out.exc is not None:
        return bad
    es, scalar = forms_fp.RCP14_ROWS[insn.mn]
    f = FP_FORMATS[es]
    ops = [o for o in insn.ops if o.kind in 'vm']
    dst, src = ops[0], ops[-1]
    if out.mxcsr != st.mxcsr:
        bad.append(f'{name}: MXCSR changed')
    if src.kind != 'v':
        return bad
    n = 1 if scalar else dst.size // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    for j in range(n):
        if kv >> j & 1:
            why = rcp14_check(f, insn.mn.startswith('vrsqrt'),
                              elem(st.z[src.n], es, j),
                              elem(out.z[dst.n], es, j),
                              st.mxcsr & MX_DAZ != 0, st.mxcsr & MX_FTZ != 0)
            if why:
                bad.append(f'{name}: element {j}: {why}')
                break
    return bad


def cvt_invariants(name, insn, st, out):
    """The conversions: ref_cvt's formulation; VCVTT* is VCVT* under
    RZ."""
    bad = []
    exc, ref, mxcsr = ref_cvt(insn, st)
    ops = [o for o in insn.ops if o.kind in 'vmg']
    dst = ops[0]
    got = out.gpr[dst.n] if dst.kind == 'g' else out.z.get(dst.n)
    if (out.exc, out.exc or (got, out.mxcsr)) != \
            (exc, exc or (ref, mxcsr)):
        bad.append(f'{name}: differs from the Fraction formulation (model '
                   f'{out.exc or (hex(got), hex(out.mxcsr))}, formulation '
                   f'{exc or (hex(ref), hex(mxcsr))})')
    (_, _, _, trunc), _ = cvt_row(insn.mn)
    if trunc and out.exc is None and \
            not any(o.kind == 'r' for o in insn.ops):
        rz = dataclasses.replace(st, mxcsr=st.mxcsr | 3 << MX_RC_SHIFT)
        o = model(dataclasses.replace(insn, mn=insn.mn.replace('vcvtt',
                                                               'vcvt')), rz)
        if o.gpr[dst.n] != out.gpr[dst.n]:
            bad.append(f'{name}: not VCVT* under RZ')
    return bad


def fp_nan_free(insn, st):
    """No element of the source registers is a NaN (the rows' relations
    below hold for numbers; NaN selection is bound to the order)."""
    f, _, kind, _, _ = FP_ROWS[insn.mn]
    for o in insn.ops[0 if kind == 'fma' else 1:]:
        if o.kind == 'v':
            for j in range(64 // f.es):
                if fp_decode(f, elem(st.z[o.n], f.es, j), False)[0] >= QNAN:
                    return False
    return True


def fp_float_check(insn, st, out):
    """The third formulation: Python's binary64 arithmetic (struct,
    math.sqrt), which rounds to nearest, for register forms of VADD ...
    VSQRT, VMIN and VMAX under RC = RN without DAZ and FTZ, element by
    element where no source is a NaN and the result is finite (binary32
    through binary64 and struct's rounding: innocuous double rounding for
    these operations).  The text of a difference, or None."""
    f, scalar, kind, op, _ = FP_ROWS[insn.mn]
    ops = [o for o in insn.ops if o.kind in 'vm']
    if kind != 'arith' or any(o.kind != 'v' for o in ops) or \
            st.mxcsr & 0xe040 or any(o.kind == 'r' and o.n not in (RN, 4)
                                     for o in insn.ops):
        return None
    dst, srcs = ops[0], ops[1:]
    code = '<f' if f.es == 4 else '<d'
    n = 1 if scalar else dst.size // f.es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    for j in range(n):
        if not kv >> j & 1:
            continue
        raws = [elem(st.z[o.n], f.es, j) for o in srcs]
        if any(fp_decode(f, x, False)[0] >= QNAN for x in raws):
            continue
        a = [struct.unpack(code, x.to_bytes(f.es, 'little'))[0]
             for x in raws]
        try:
            if op == 'sqrt':
                want = math.sqrt(a[-1])
            elif op in ('min', 'max'):
                if a[0] == a[1] == 0:
                    continue
                pick = a[0] < a[1] if op == 'min' else a[0] > a[1]
                want = a[0] if pick else a[1]
            else:
                want = {'add': lambda x, y: x + y,
                        'sub': lambda x, y: x - y,
                        'mul': lambda x, y: x * y,
                        'div': lambda x, y: x / y}[op](*a)
            if math.isinf(want) or math.isnan(want):
                continue
            bits = int.from_bytes(struct.pack(code, want), 'little')
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        got = elem(out.z[dst.n], f.es, j)
        if bits != got:
            return f'element {j}: Python computes {bits:x}, the model {got:x}'
    return None


# SRC1 and SRC2 of VCMP swapped: the predicate that gives the same result
# (GT for LT, NGE for NLE, ...; the symmetric ones are their own)
FP_PRED_SWAPPED = [0, 14, 13, 3, 4, 10, 9, 7, 8, 6, 5, 11, 12, 2, 1, 15,
                   16, 30, 29, 19, 20, 26, 25, 23, 24, 22, 21, 27, 28, 18,
                   17, 31]


def fp_invariants(name, insn, st, out):
    """Group fp: the second formulation (fp_reference); the third
    (fp_float_check); MXCSR only gains flags, none with {er}/{sae}; the
    {er}/{sae} forms are their plain twins with MXCSR.RC replaced; a
    writemask sets no flag the unmasked instruction does not; ADD and
    MUL commute, SUB is ADD of the negation, the three FMA orders are
    one operation on permuted registers, FNMSUB is the negation of FMADD
    (RN, RZ) and FMSUB of FNMADD, MIN/MAX pick one of their sources in
    order (without NaNs); VCMP predicate p and p ^ 4 complement each
    other on the active elements, p ^ 16 gives the same bits, and
    swapped sources give FP_PRED_SWAPPED's predicate."""
    bad = []
    mn, ops = insn.mn, insn.ops
    f, scalar, kind, op, order = FP_ROWS[mn]
    dst = ops[0]
    exc, ref, mxcsr = fp_reference(insn, st)
    if kind == 'comi':
        # RFLAGS instead of a destination; VCOMIS* and VUCOMIS* agree
        got = out.exc or f'RFLAGS {out.flags & FLAGS_OUT:#x} MXCSR ' \
            f'{out.mxcsr:#x}'
        want = exc or f'RFLAGS {ref:#x} MXCSR {mxcsr:#x}'
        if got != want:
            bad.append(f'{name}: differs from the Fraction formulation '
                       f'(model {got}, formulation {want})')
        other = 'v' + mn[2:] if mn[1] == 'u' else 'vu' + mn[1:]
        if exc is None and model(dataclasses.replace(insn, mn=other),
                                 st).flags != out.flags:
            bad.append(f'{name}: RFLAGS differ from {other}\'s')
        return bad
    val = out.k.get(dst.n) if dst.kind == 'k' else out.z.get(dst.n)
    if exc != out.exc or (exc is None and (val != ref or
                                           out.mxcsr != mxcsr)):
        got = out.exc or f'{val or 0:x} mxcsr {out.mxcsr:#x}'
        want = exc or f'{ref:x} mxcsr {mxcsr:#x}'
        bad.append(f'{name}: differs from the Fraction formulation '
                   f'(model {got}, formulation {want})')
    if out.exc is not None:
        return bad
    why = fp_float_check(insn, st, out)
    if why:
        bad.append(f'{name}: differs from Python\'s arithmetic: {why}')
    if out.mxcsr & ~MX_FLAGS != st.mxcsr & ~MX_FLAGS or \
            out.mxcsr & st.mxcsr != st.mxcsr:
        bad.append(f'{name}: MXCSR {st.mxcsr:#x} -> {out.mxcsr:#x}')

    def run(i, s=st):
        o = model(i, s)
        return o.exc, (o.k if dst.kind == 'k' else o.z).get(dst.n), o.mxcsr

    rnd = next((o for o in ops if o.kind == 'r'), None)
    if rnd is not None:
        if out.mxcsr != st.mxcsr:
            bad.append(f'{name}: flags set under {{er}}/{{sae}}')
        rc = rnd.n if rnd.n < 4 else st.mxcsr >> MX_RC_SHIFT & 3
        plain = dataclasses.replace(insn, ops=tuple(o for o in ops
                                                    if o.kind != 'r'))
        twin = run(plain, dataclasses.replace(
            st, mxcsr=st.mxcsr & ~(3 << MX_RC_SHIFT) | rc << MX_RC_SHIFT))
        if twin[:2] != (None, val):
            bad.append(f'{name}: not the plain form under MXCSR.RC {rc}')
    if insn.mask is not None:
        um = run(dataclasses.replace(insn, mask=None, zero=False))
        if um[0] is None and out.mxcsr & ~um[2]:
            bad.append(f'{name}: a flag the unmasked form does not set')
    regs = [o for o in ops if o.kind in 'vm']
    if any(o.kind == 'm' for o in regs) or not fp_nan_free(insn, st):
        return bad
    plain = dataclasses.replace(insn, mask=None, zero=False)
    base = run(plain)
    vops = tuple(o for o in ops if o.kind != 'r')
    rest = tuple(o for o in ops if o.kind == 'r')
    if op in ('add', 'mul') and not scalar:
        sw = dataclasses.replace(plain, ops=(vops[0], vops[2], vops[1]) +
                                 rest)
        if run(sw) != base:
            bad.append(f'{name}: not commutative')
    if op == 'sub':
        neg = dict(st.z)
        n2 = vops[2].n
        neg[n2] = st.z[n2] ^ sum(f.sign << (8 * f.es * j)
                                 for j in range(64 // f.es))
        if vops[1].n == n2:
            neg[n2] = st.z[n2]      # x - x: not x + (-x) here
        else:
            add_mn = mn.replace('vsub', 'vadd')
            if run(dataclasses.replace(plain, mn=add_mn),
                   dataclasses.replace(st, z=neg)) != base:
                bad.append(f'{name}: not ADD of the negated SRC2')
    if op in ('min', 'max') and base[0] is None:
        for j in range(1 if scalar else vops[0].size // f.es):
            a, b = (elem(st.z[o.n], f.es, j) for o in vops[1:3])
            r = elem(base[1], f.es, j)
            daz = bool(st.mxcsr & MX_DAZ)
            va, vb = fp_decode(f, a, daz), fp_decode(f, b, daz)
            if va[0] == vb[0] == ZERO:
                ok = r == (b & f.sign if daz else b)
            else:
                o = fp_cmp3(va, vb)
                want = a if (o < 0) == (op == 'min') and o else b
                vr = fp_decode(f, r, daz)
                ok = fp_cmp3(vr, fp_decode(f, want, daz)) == 0
            if not ok:
                bad.append(f'{name}: element {j} is not the '
                           f'{op} of its sources in order')
                break
    if kind == 'fma' and not scalar:
        d, s2, s3 = vops[0].n, vops[1].n, vops[2].n
        if len({d, s2, s3}) == 3:
            # x, y, z of this order, moved to the registers of the others
            x, y, z = (st.z[(d, s2, s3)[i]] for i in FMA_ORDER[order])
            for other, (i, j, k) in FMA_ORDER.items():
                regs_xyz = [None] * 3
                regs_xyz[i], regs_xyz[j], regs_xyz[k] = x, y, z
                moved = dict(st.z)
                moved[d], moved[s2], moved[s3] = regs_xyz
                o = run(dataclasses.replace(plain,
                                            mn=mn.replace(order, other)),
                        dataclasses.replace(st, z=moved))
                if o != base:
                    bad.append(f'{name}: the {other} order on permuted '
                               'registers differs')
        rc = next((o.n for o in rest if o.n < 4),
                  st.mxcsr >> MX_RC_SHIFT & 3)
        twin = {'fmadd': 'fnmsub', 'fnmsub': 'fmadd', 'fmsub': 'fnmadd',
                'fnmadd': 'fmsub'}.get(op)
        if twin and rc in (RN, RZ):
            o = run(dataclasses.replace(plain, mn=mn.replace(op, twin)))
            for j in range(vops[0].size // f.es):
                p, q = elem(base[1], f.es, j), elem(o[1], f.es, j)
                if p & ~f.sign and fp_decode(f, p, False)[0] < QNAN and \
                        p ^ q != f.sign:
                    bad.append(f'{name}: element {j} is not the negation '
                               f'of {twin}\'s')
                    break
    if kind == 'cmp' and base[0] is None:
        imm = next(o.n for o in ops if o.kind == 'i')
        n = 1 if scalar else vops[1].size // f.es
        ones = (1 << n) - 1
        kmask = ONES64 if insn.mask is None else st.k[insn.mask]

        def pred(p, swap=False):
            o2 = vops[:1] + ((vops[2], vops[1]) if swap else vops[1:3])
            return run(dataclasses.replace(insn, ops=o2 + rest + (
                Op('i', p),)))
        if pred(imm ^ 4)[1] ^ val != kmask & ones:
            bad.append(f'{name}: predicate {imm ^ 4} is not the complement')
        if pred(imm ^ 16)[1] != val:
            bad.append(f'{name}: predicate {imm ^ 16} differs')
        if pred(FP_PRED_SWAPPED[imm], True)[1:] != (val, out.mxcsr):
            bad.append(f'{name}: swapped sources differ')
    return bad


def pack_elems(size, *v):
    """Elements of size bytes, element 0 first, as one integer."""
    return sum(x << (8 * size * j) for j, x in enumerate(v))


def kat_z3(o):
    """The known answers' usual destination, zmm3."""
    return o.z[3]


def known_answers_bw(kat, stz, ks, full):
    """AVX512BW's later rows (LATE2), worked out by hand, through
    known_answers()'s kat and state makers.  AT&T: op %xmm1, %xmm2, %xmm3
    is xmm3 := op(SRC1 = xmm2, SRC2 = xmm1)."""
    n, z3 = pack_elems, kat_z3

    def b(*v):
        return n(1, *v)

    def w(*v):
        return n(2, *v)

    # VPAVGB: (255 + 0 + 1) >> 1, (2 + 1 + 1) >> 1, 255 with itself
    kat('vpavgb %xmm1, %xmm2, %xmm3',
        stz({1: b(0, 2, 0xff), 2: b(0xff, 1, 0xff), 3: full}), z3,
        b(0x80, 2, 0xff))
    # VPAVGW merging: word 1 masked off keeps DEST's
    kat('vpavgw %xmm1, %xmm2, %xmm3{%k1}',
        stz({1: w(0xffff, 1, 3), 2: w(0xffff, 1, 4), 3: w(9, 9, 9)},
            ks(k1=0b101)), z3, w(0xffff, 9, 4))
    # VPMULHW: -32768 * -32768 = 4000_0000H, -1 * 1, 7fffH squared
    kat('vpmulhw %xmm1, %xmm2, %xmm3',
        stz({1: w(0x8000, 1, 0x7fff), 2: w(0x8000, 0xffff, 0x7fff),
             3: full}), z3, w(0x4000, 0xffff, 0x3fff))
    kat('vpmulhuw %xmm1, %xmm2, %xmm3',
        stz({1: w(0xffff, 2), 2: w(0xffff, 0x8000), 3: full}), z3,
        w(0xfffe, 1))
    # VPMULHRSW: 8000H squared gives 8000H; 4000H squared 2000H;
    # 1 * 4000H is 0.5 rounded up to 1; -1 * 1 rounds to 0
    kat('vpmulhrsw %xmm1, %xmm2, %xmm3',
        stz({1: w(0x8000, 0x4000, 0x4000, 1),
             2: w(0x8000, 0x4000, 1, 0xffff), 3: full}), z3,
        w(0x8000, 0x2000, 1, 0))
    # VPMADDWD: two products of -32768 * -32768 wrap to 8000_0000H;
    # 1*3 + 2*4; -1*5
    kat('vpmaddwd %xmm1, %xmm2, %xmm3',
        stz({2: w(0x8000, 0x8000, 1, 2, 0xffff, 0),
             1: w(0x8000, 0x8000, 3, 4, 5, 0), 3: full}), z3,
        n(4, 0x80000000, 11, 0xfffffffb, 0))
    # VPMADDUBSW: SRC1 (xmm2) unsigned, SRC2 (xmm1) signed; 255*127*2
    # saturates to 7fffH, 255*-128*2 to 8000H; 1*3 + 2*-1
    kat('vpmaddubsw %xmm1, %xmm2, %xmm3',
        stz({2: b(255, 255, 255, 255, 1, 2),
             1: b(127, 127, 0x80, 0x80, 3, 0xff), 3: full}), z3,
        w(0x7fff, 0x8000, 1))
    # VPSADBW: |0-255| + |255-0| + |10-20|
    kat('vpsadbw %xmm1, %xmm2, %xmm3',
        stz({2: b(0, 255, 10), 1: b(255, 0, 20), 3: full}), z3, 520)
    # the packs: SRC1's lane, then SRC2's, saturated
    kat('vpacksswb %xmm1, %xmm2, %xmm3',
        stz({2: w(0x7fff, 0x8000, 0x0080, 0xff7f, 5), 1: w(1, 0xffff),
             3: full}), z3,
        b(0x7f, 0x80, 0x7f, 0x80, 5, 0, 0, 0, 1, 0xff))
    kat('vpackuswb %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({2: w(0x7fff, 0x8000, 0x00ff, 0x0100, 0xffff, 7), 1: 0,
             3: full}, ks(k1=0x1f)), z3, b(0xff, 0, 0xff, 0xff, 0))
    # VPACKSSDW {1to4}: the dword 8000H is 7fffH in all four words
    kat('vpackssdw {M}{1to4}, %xmm2, %xmm3',
        stz({2: n(4, 0x12345, 0xfffe0000, 7, 0xffffffff), 3: full},
            mem=(0x8000).to_bytes(4, 'little')), z3,
        w(0x7fff, 0x8000, 7, 0xffff, 0x7fff, 0x7fff, 0x7fff, 0x7fff),
        disp=0)
    kat('vpackusdw %xmm1, %xmm2, %xmm3',
        stz({2: n(4, 0x12345, 0xffffffff, 0x8000, 0), 1: 0, 3: full}), z3,
        w(0xffff, 0, 0x8000, 0))
    # E4NF: every element masked off, the operand across the end of the
    # page faults all the same
    kat('vpackssdw {M}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0), off=PAGE - 8, mem=bytes(8)),
        lambda o: o.exc, 'PF', disp=0)
    # the unpacks
    kat('vpunpcklbw %xmm1, %xmm2, %xmm3',
        stz({2: b(0xa0, 0xa1), 1: b(0xb0, 0xb1), 3: full}), z3,
        b(0xa0, 0xb0, 0xa1, 0xb1))
    kat('vpunpckhwd %xmm1, %xmm2, %xmm3',
        stz({2: w(0, 0, 0, 0, 0xa4, 0xa5, 0xa6, 0xa7),
             1: w(0, 0, 0, 0, 0xb4, 0xb5, 0xb6, 0xb7), 3: full}), z3,
        w(0xa4, 0xb4, 0xa5, 0xb5, 0xa6, 0xb6, 0xa7, 0xb7))
    # VPSHUFB: bit 7 zeroes, bits 3:0 index the lane (1fH is 0fH)
    kat('vpshufb %xmm1, %xmm2, %xmm3',
        stz({2: full & ONES128, 1: b(0x80, 0x0f, 0x1f, 0x03), 3: 0}), z3,
        b(0, 0x4f, 0x4f, 0x43, *[0x40] * 12))
    # ... within each lane: index 1 in lane 1 is byte 17
    kat('vpshufb %ymm1, %ymm2, %ymm3',
        stz({2: full & ((1 << 256) - 1), 1: 1 << 128, 3: 0}), z3,
        b(*[0x40] * 16, 0x51, *[0x50] * 15))
    kat('vpshufhw $27, %xmm1, %xmm3', stz({1: w(*range(8)), 3: full}), z3,
        w(0, 1, 2, 3, 7, 6, 5, 4))
    kat('vpshuflw $27, %xmm1, %xmm3', stz({1: w(*range(8)), 3: full}), z3,
        w(3, 2, 1, 0, 4, 5, 6, 7))
    # VPALIGNR: SRC1:SRC2 by 5 bytes; by 16, SRC1; by 32, zero
    lo16, hi16 = b(*range(16)), b(*range(0x10, 0x20))
    for imm, want in ((5, b(*range(5, 16), *range(0x10, 0x15))),
                      (16, hi16), (32, 0)):
        kat(f'vpalignr ${imm}, %xmm1, %xmm2, %xmm3',
            stz({1: lo16, 2: hi16, 3: full}), z3, want)
    kat('vpslldq $3, %xmm1, %xmm3', stz({1: b(*range(1, 17)), 3: full}),
        z3, b(0, 0, 0, *range(1, 14)))
    kat('vpsrldq $3, %ymm1, %ymm3', stz({1: b(*range(1, 33)), 3: full}),
        z3, b(*range(4, 17), 0, 0, 0, *range(20, 33), 0, 0, 0))
    kat('vpsrldq $17, %xmm1, %xmm3', stz({1: full, 3: full}), z3, 0)
    # VDBPSADBW $0: TMP1 is SRC2's dword 0 (bytes 1, 2, 3, 4) in every
    # dword; words: |1234 - 1234|, |1234 - 2341|, |AAAA - 3412|, |AAAA -
    # 4123| (A = 10), then SRC1's zero bytes against 1234, 2341, 3412,
    # 4123
    kat('vdbpsadbw $0, %xmm1, %xmm2, %xmm3',
        stz({2: b(1, 2, 3, 4, 10, 10, 10, 10), 1: b(1, 2, 3, 4, 9, 9, 9, 9),
             3: full}), z3, w(0, 6, 30, 30, 10, 10, 10, 10))
    # $0x1b reverses the dwords: TMP1's dword 0 is SRC2's dword 3
    kat('vdbpsadbw $27, %xmm1, %xmm2, %xmm3',
        stz({2: 0, 1: n(4, 0, 0, 0, 0x01010101), 3: full}), z3,
        w(4, 3, 2, 1, 0, 0, 0, 0))
    kat('vpmovzxbw %xmm1, %xmm3', stz({1: b(0x80, 0x7f, 0xff), 3: full}),
        z3, w(0x80, 0x7f, 0xff))
    kat('vpmovsxbw %xmm1, %xmm3', stz({1: b(0x80, 0x7f, 0xff), 3: full}),
        z3, w(0xff80, 0x7f, 0xffff))
    src = w(0x1234, 0x8000, 0x007f, 0xff80, 0x0100)
    for mn, want in (('vpmovwb', b(0x34, 0, 0x7f, 0x80, 0)),
                     ('vpmovswb', b(0x7f, 0x80, 0x7f, 0x80, 0x7f, 0, 0, 0)),
                     ('vpmovuswb', b(0xff, 0xff, 0x7f, 0xff, 0xff))):
        kat(f'{mn} %xmm1, %xmm3', stz({1: src, 3: full}), z3, want)
    # VPBLENDMB: SRC2's bytes where k1 is set, SRC1's elsewhere; zeroing
    # clears them instead
    kat('vpblendmb %xmm1, %xmm2, %xmm3{%k1}',
        stz({1: b(1, 2, 3, 4), 2: b(5, 6, 7, 8), 3: full}, ks(k1=0b0101)),
        z3, b(1, 6, 3, 8))
    kat('vpblendmw %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({1: w(1, 2, 3, 4), 2: w(5, 6, 7, 8), 3: full}, ks(k1=0b0101)),
        z3, w(1, 0, 3, 0))
    # VPERMW: index bits 2:0 at 128 bits
    tab = w(*range(0xa0, 0xa8))
    kat('vpermw %xmm1, %xmm2, %xmm3', stz({2: w(7, 0, 0x13), 1: tab,
                                           3: full}), z3,
        w(0xa7, 0xa0, 0xa3, *[0xa0] * 5))
    # VPERMI2W: the indices in DEST, bit 3 picks SRC2 (xmm1)
    kat('vpermi2w %xmm1, %xmm2, %xmm3',
        stz({3: w(8, 1, 0x0f, 0xfff0), 2: tab, 1: w(*range(0xb0, 0xb8))}),
        z3, w(0xb0, 0xa1, 0xb7, 0xa0, *[0xa0] * 4))
    # VPERMT2W: DEST is the first table, SRC1 (xmm2) the indices
    kat('vpermt2w %xmm1, %xmm2, %xmm3',
        stz({2: w(8, 1, 0x0f), 3: tab, 1: w(*range(0xb0, 0xb8))}), z3,
        w(0xb0, 0xa1, 0xb7, *[0xa0] * 5))


def known_answers_vaes(kat, stz, full):
    """The EVEX VAES rows: round 1 of the AES-128 example of FIPS-197's
    appendix B, in every lane (bytes in the order the standard prints
    them, the first at bit 0); ENCLAST and DECLAST undo each other."""
    def lanes(hexs, nl):
        return int.from_bytes(bytes.fromhex(hexs) * nl, 'little')

    start = '193de3bea0f4e22b9ac68d2ae9f84808'
    key = 'a0fafe1788542cb123a339392a6c7605'
    out = 'a49c7ff2689f352b6b5bea43026a5049'
    for w, nl in (('x', 1), ('y', 2), ('z', 4)):
        kat(f'vaesenc %{w}mm1, %{w}mm2, %{w}mm3',
            stz({2: lanes(start, nl), 1: lanes(key, nl), 3: full}), kat_z3,
            lanes(out, nl))
    # the last rounds: the S-box's 00 -> 63, 01 -> 7c, 53 -> ed (the
    # standard's SubBytes example), and ShiftRows moves row 3's byte of
    # column 3 (byte 15) to column 0 (byte 3); InvShiftRows moves it back
    sub = int.from_bytes(bytes([0x7c, 0x63, 0x63, 0xed] + [0x63] * 12),
                         'little')
    kat('vaesenclast %xmm1, %xmm2, %xmm3',
        stz({2: 0x53 << 120 | 0x01, 1: 0, 3: full}), kat_z3, sub)
    kat('vaesdeclast %xmm1, %xmm2, %xmm3', stz({2: sub, 1: 0, 3: full}),
        kat_z3, 0x53 << 120 | 0x01)


def known_answers_dq(kat, stz, full):
    """AVX512DQ's rows, worked out by hand (as known_answers_bw)."""
    n, z3 = pack_elems, kat_z3

    def d(*v):
        return n(4, *v)

    def q(*v):
        return n(8, *v)

    def with_flags(o):
        return o.z[3], o.mxcsr & MX_FLAGS

    def daz(st):
        return dataclasses.replace(st, mxcsr=st.mxcsr | MX_DAZ)

    # VPMULLQ: the low quadword of the product; VANDNPS: NOT SRC1 AND SRC2
    kat('vpmullq %xmm1, %xmm2, %xmm3',
        stz({1: q(1 << 32, 3), 2: q(1 << 32, ONES64), 3: full}), z3,
        q(0, ONES64 - 2))
    kat('vandnps %xmm1, %xmm2, %xmm3',
        stz({2: d(0xff00ff00), 1: d(0x0ff00ff0), 3: full}), z3,
        d(0x00f000f0))
    kat('vbroadcasti32x2 %xmm1, %ymm3', stz({1: d(7, 9, 11, 13), 3: full}),
        z3, d(7, 9, 7, 9, 7, 9, 7, 9))
    kat('vinserti64x2 $1, %xmm1, %ymm2, %ymm3',
        stz({1: q(0xa, 0xb), 2: q(1, 2, 3, 4), 3: full}), z3,
        q(1, 2, 0xa, 0xb))
    kat('vextractf32x8 $1, %zmm1, %ymm3', stz({1: d(*range(16)), 3: full}),
        z3, d(*range(8, 16)))
    # the quadword conversions: -1 and 2^53 + 1 (to nearest even: 2^53);
    # 2^64 - 1 unsigned is 2^64 in binary32; truncation of +-1.5; a NaN
    # and an unsigned -1.0 are invalid (the indefinite integers)
    kat('vcvtqq2pd %xmm1, %xmm3', stz({1: q(ONES64, (1 << 53) + 1),
                                       3: full}), z3,
        q(0xbff0000000000000, 0x4340000000000000))
    kat('vcvtuqq2ps %xmm1, %xmm3', stz({1: q(ONES64, 1), 3: full}), z3,
        d(0x5f800000, 0x3f800000))
    kat('vcvttpd2qq %xmm1, %xmm3',
        stz({1: q(0x3ff8000000000000, 0xbff8000000000000), 3: full}), z3,
        q(1, ONES64))
    kat('vcvttpd2qq %xmm1, %xmm3', stz({1: q(0x7ff8000000000000, 0),
                                        3: full}), with_flags,
        (q(1 << 63, 0), MX_IE))
    kat('vcvttps2uqq %xmm1, %xmm3', stz({1: d(0xbf800000, 0x3f800000),
                                         3: full}), with_flags,
        (q(ONES64, 1), MX_IE))
    # VRANGE (AT&T: SRC2 = xmm1, SRC1 = xmm2): min(1, -2) with SRC1's
    # sign; max; the smaller magnitude of -1 and 1 is -1, the greater 1
    one, m_two = d(0x3f800000), d(0xc0000000)
    kat('vrangeps $0, %xmm1, %xmm2, %xmm3', stz({2: one, 1: m_two, 3: full}),
        z3, d(0x40000000))
    kat('vrangeps $5, %xmm1, %xmm2, %xmm3', stz({2: one, 1: m_two, 3: full}),
        z3, d(0x3f800000))
    kat('vrangeps $6, %xmm1, %xmm2, %xmm3',
        stz({2: d(0xbf800000), 1: one, 3: full}), z3, d(0xbf800000))
    kat('vrangeps $7, %xmm1, %xmm2, %xmm3',
        stz({2: d(0xbf800000), 1: one, 3: full}), z3, d(0x3f800000))
    # a QNaN gives way to the other source; an SNaN is quieted (IE)
    kat('vrangepd $0, %xmm1, %xmm2, %xmm3',
        stz({2: q(0x3ff0000000000000), 1: q(0x7ff8000000000000),
             3: full}), z3, q(0x3ff0000000000000))
    kat('vrangepd $0, %xmm1, %xmm2, %xmm3',
        stz({2: q(0x3ff0000000000000), 1: q(0x7ff0000000000001),
             3: full}), with_flags, (q(0x7ff8000000000001), MX_IE))
    # VREDUCE: 2.75 - 3 = -0.25 (PE); infinities give +0; 2.0 - 2.0 = +0;
    # by quarters (M = 2) 2.75 is exact; rounding down (imm8 1), without
    # PE (imm8[3]): 2.75 - 2 = 0.75, 2.0 - 2.0 = -0
    vals = {1: d(0x40300000, 0x7f800000, 0xff800000, 0x40000000), 3: full}
    kat('vreduceps $0, %xmm1, %xmm3', stz(vals), with_flags,
        (d(0xbe800000, 0, 0, 0), MX_PE))
    kat('vreduceps $32, %xmm1, %xmm3', stz(vals), with_flags, (0, 0))
    kat('vreduceps $9, %xmm1, %xmm3', stz(vals), with_flags,
        (d(0x3f400000, 0, 0, 0x80000000), 0))
    # VFPCLASS: +0 or denormal; a denormal only, with and without DAZ;
    # negative finite (a negative denormal too, not -0 or -inf)
    cls = {1: d(0, 1, 0x80000000, 0x3f800000)}
    kat('vfpclassps $34, %xmm1, %k2', stz(cls), lambda o: o.k[2], 0b0011)
    kat('vfpclassps $32, %xmm1, %k2', stz(cls), lambda o: o.k[2], 0b0010)
    kat('vfpclassps $32, %xmm1, %k2', daz(stz(cls)), lambda o: o.k[2], 0)
    kat('vfpclassps $64, %xmm1, %k2',
        stz({1: d(0xbf800000, 0x80000000, 0x80000001, 0xff800000)}),
        lambda o: o.k[2], 0b0101)
    # AVX512CD: leading zeros; the earlier equal elements; the opmask's
    # low word (dwords) or byte (quadwords)
    kat('vplzcntd %xmm1, %xmm3', stz({1: d(0, 1, 0x80000000, 0xffff),
                                      3: full}), z3, d(32, 31, 0, 16))
    kat('vplzcntq %xmm1, %xmm3', stz({1: q(0, 1), 3: full}), z3, q(64, 63))
    kat('vpconflictd %xmm1, %xmm3', stz({1: d(5, 7, 5, 5), 3: full}), z3,
        d(0, 0, 0b001, 0b101))
    kv = [0, 0x12345] + [0] * 6
    kat('vpbroadcastmw2d %k1, %xmm3', stz({3: full}, kv), z3,
        d(0x2345, 0x2345, 0x2345, 0x2345))
    kat('vpbroadcastmb2q %k1, %ymm3', stz({3: full}, kv), z3,
        q(0x45, 0x45, 0x45, 0x45))


def known_answers():
    """Cases worked out by hand from the SDM's operation sections."""
    fails = []

    def kat(asm, st, what, want, **kw):
        insn = parse(_Adhoc(asm, **kw))
        try:
            val = what(model(insn, st))
        except (KeyError, ModelError) as e:
            val = f'{type(e).__name__} {e}'
        if val != want:
            fails.append(f'{asm}: expected {want!r}, got {val!r}')

    k = [0] * 8

    def ks(**kv):
        out = list(k)
        for name, v in kv.items():
            out[int(name[1:])] = v
        return out

    def stz(z, kk=None, gpr=None, flags=2, off=0, mem=b''):
        gpr = gpr or [0] * 4
        gpr[2] = off & ONES64           # the operand's base: scratch + off
        return State(z=z, k=kk or list(k), gpr=gpr, flags=flags,
                     mxcsr=0x1f80, off=off, mem=mem)

    lo = 0x0f0e0d0c0b0a09080706050403020100
    full = sum((0x40 + i) << (8 * i) for i in range(64))
    # vmovdqu8 merge at 128 bits, k = 0x8001: bytes 0 and 15 from the
    # source, 1-14 kept, bits 128-511 cleared
    kat('vmovdqu8 %xmm1, %xmm2{%k3}', stz({1: full, 2: lo}, ks(k3=0x8001)),
        lambda o: o.z[2], 0x4f0e0d0c0b0a09080706050403020140)
    # the same with {z}: only bytes 0 and 15
    kat('vmovdqu8 %xmm1, %xmm2{%k3}{z}',
        stz({1: full, 2: lo}, ks(k3=0x8001)),
        lambda o: o.z[2], 0x4f000000000000000000000000000040)
    # vmovups zmm, all masked off: the destination is kept whole
    kat('vmovups %zmm1, %zmm2{%k3}', stz({1: full, 2: ~full & (1 << 512) -
                                          1}, ks(k3=0xffff0000)),
        lambda o: o.z[2], ~full & (1 << 512) - 1)
    # vmovupd ymm with mask bit 4 (above its 4 elements): nothing active,
    # bits 256-511 cleared
    st = stz({1: full, 2: full | 7}, ks(k3=0x10))
    kat('vmovupd %ymm1, %ymm2{%k3}', st,
        lambda o: o.z[2], (full | 7) & (1 << 256) - 1)
    # vmovss xmm1, xmm3, xmm2 (AT&T): low dword from xmm1, 127:32 from
    # xmm3, upper zero; masked off with {z}: low dword 0
    kat('vmovss %xmm1, %xmm3, %xmm2', stz({1: full, 3: lo, 2: 0}),
        lambda o: o.z[2], 0x0f0e0d0c0b0a09080706050443424140)
    kat('vmovss %xmm1, %xmm3, %xmm2{%k1}{z}', stz({1: full, 3: lo, 2: 0}),
        lambda o: o.z[2], 0x0f0e0d0c0b0a09080706050400000000)
    kat('vmovsd %xmm1, %xmm3, %xmm2{%k1}', stz({1: full, 3: lo, 2: full}),
        lambda o: o.z[2], 0x0f0e0d0c0b0a09084746454443424140)
    # masked-off vmovss load from a guard page: no fault, 127:32 zeroed
    kat('vmovss {M}, %xmm2{%k1}', stz({2: full}, off=PAGE),
        lambda o: (o.exc, o.z[2]), (None, 0x43424140), disp=0)
    kat('vmovss {M}, %xmm2{%k1}', stz({2: full}, ks(k1=1), off=PAGE),
        lambda o: o.exc, 'PF', disp=0)
    # vmovd to a 32-bit GPR zero-extends; vmovq from a GPR clears 511:64
    kat('vmovd %xmm1, {A_d}', stz({1: full}, gpr=[ONES64, 0, 0, 0]),
        lambda o: o.gpr[0], 0x43424140)
    st = stz({1: full}, gpr=[0x1122334455667788, 0, 0, 0])
    kat('vmovq {A}, %xmm1', st,
        lambda o: o.z[1], 0x1122334455667788)
    # masked store across the end of the page: elements 0-1 (8 bytes in
    # the page) written, element 2 (in the guard page) masked off
    kat('vmovdqu32 %xmm1, {M}{%k1}', stz({1: full}, ks(k1=0b1011),
                                         off=PAGE - 8, mem=bytes(8)),
        lambda o: (o.exc, o.mem), ('PF', {}), disp=0)
    kat('vmovdqu32 %xmm1, {M}{%k1}', stz({1: full}, ks(k1=0b0011),
                                         off=PAGE - 8, mem=bytes(8)),
        lambda o: (o.exc, sorted(o.mem.items())),
        (None, [(PAGE - 8 + i, 0x40 + i) for i in range(8)]), disp=0)
    # misaligned vmovaps with an all-zero mask: #GP all the same
    kat('vmovaps {M}, %zmm1{%k1}', stz({1: 0}, off=4, mem=bytes(64)),
        lambda o: o.exc, 'GP', disp=0)
    # K-instructions (AT&T order: kandn %k1, %k2, %k3 is k3 = ~k2 & k1)
    kat('kandnw %k1, %k2, %k3', stz({}, ks(k1=0xff, k2=0x0f0f)),
        lambda o: o.k[3], 0x00f0)
    kat('kunpckbw %k1, %k2, %k3', stz({}, ks(k1=0x1234, k2=0x5678)),
        lambda o: o.k[3], 0x7834)
    st = stz({}, ks(k1=0x1_0000_0002, k2=0x3_0000_0004))
    kat('kunpckdq %k1, %k2, %k3', st,
        lambda o: o.k[3], 0x0000_0004_0000_0002)
    kat('kaddb %k1, %k2, %k3', stz({}, ks(k1=0xff, k2=0x2)),
        lambda o: o.k[3], 1)
    kat('kshiftlw $15, %k1, %k3', stz({}, ks(k1=0xffff)),
        lambda o: o.k[3], 0x8000)
    kat('kshiftrq $64, %k1, %k3', stz({}, ks(k1=ONES64)),
        lambda o: o.k[3], 0)
    kat('knotb %k1, %k3', stz({}, ks(k1=0xfff0, k3=ONES64)),
        lambda o: o.k[3], 0x0f)
    kat('kmovw %k1, {A_d}', stz({}, ks(k1=0xabcdef), gpr=[ONES64, 0, 0, 0]),
        lambda o: o.gpr[0], 0xcdef)
    kat('kmovb {A_d}, %k1', stz({}, gpr=[0x1ff, 0, 0, 0]),
        lambda o: o.k[1], 0xff)
    # KORTEST: ZF and CF, OF/SF/AF/PF cleared, the rest kept
    kat('kortestw %k1, %k2', stz({}, ks(k1=0xff00, k2=0xff), flags=0x8d7),
        lambda o: o.flags, 0x3)
    kat('kortestw %k1, %k2', stz({}, ks(k1=0x10000, k2=0), flags=0x2),
        lambda o: o.flags, 0x42)
    # KTEST (AT&T ktestw %k1, %k2: SRC1 = k2, SRC2 = k1): CF from
    # k1 AND NOT k2
    kat('ktestw %k1, %k2', stz({}, ks(k1=0x0f, k2=0xf0)),
        lambda o: o.flags & FLAGS_OUT, ZF)
    kat('ktestw %k1, %k2', stz({}, ks(k1=0x0f, k2=0xff)),
        lambda o: o.flags & FLAGS_OUT, CF)
    kat('ktestw %k1, %k2', stz({}, ks(k1=0xff, k2=0x0f)),
        lambda o: o.flags & FLAGS_OUT, 0)
    # VBLENDMPS: masked-off elements from SRC1 (AT&T: the middle operand)
    kat('vblendmps %xmm1, %xmm2, %xmm3{%k1}',
        stz({1: 0x44444444_33333333_22222222_11111111,
             2: 0xdddddddd_cccccccc_bbbbbbbb_aaaaaaaa, 3: full},
            ks(k1=0b0101)),
        lambda o: o.z[3], 0xdddddddd_33333333_bbbbbbbb_11111111)
    # VPADDQ {1to2} with k = 0b10 and {z}: element 1 only, wrapping
    kat('vpaddq {M}{1to2}, %xmm2, %xmm3{%k1}{z}',
        stz({2: (ONES64 << 64) | 5, 3: full}, ks(k1=2), off=8,
            mem=(3).to_bytes(8, 'little')),
        lambda o: o.z[3], 2 << 64, disp=0)
    # broadcast from a guard page with every element masked off: no fault
    kat('vpbroadcastd {M}, %zmm1{%k1}', stz({1: full}, ks(k1=0), off=-4),
        lambda o: (o.exc, o.z[1]), (None, full), disp=0)
    kat('vpbroadcastd {M}, %ymm1{%k1}', stz({1: full}, ks(k1=0x100),
                                            off=-4),
        lambda o: (o.exc, o.z[1]), (None, full & (1 << 256) - 1), disp=0)
    # VBROADCASTI32X4: dword j from dword j mod 4
    kat('vbroadcasti32x4 {M}, %ymm1', stz({1: full}, off=0,
                                          mem=bytes(range(16))),
        lambda o: o.z[1], lo | lo << 128, disp=0)
    # VPBROADCASTQ from a GPR, zero masking of the odd elements
    st = stz({1: full}, ks(k1=0x55), gpr=[7, 0, 0, 0])
    kat('vpbroadcastq {A}, %zmm1{%k1}{z}', st,
        lambda o: o.z[1], sum(7 << (128 * i) for i in range(4)))
    # group int (dwords and qwords written element 0 first: d(e0, e1, ..))

    def d(*v):
        return sum(x << (32 * i) for i, x in enumerate(v))

    def q(*v):
        return sum(x << (64 * i) for i, x in enumerate(v))

    mm = 0xffffffff
    x1 = d(0x7fffffff, mm, 0x80000000, 5)
    x2 = d(0x80000000, 0, 0x7fffffff, 5)
    # AT&T: op %xmm1, %xmm2, %xmm3 is xmm3 := op(SRC1 = xmm2, SRC2 = xmm1)
    kat('vpminsd %xmm1, %xmm2, %xmm3', stz({1: x1, 2: x2, 3: full}),
        lambda o: o.z[3], d(0x80000000, mm, 0x80000000, 5))
    kat('vpminud %xmm1, %xmm2, %xmm3', stz({1: x1, 2: x2, 3: full}),
        lambda o: o.z[3], d(0x7fffffff, 0, 0x7fffffff, 5))
    kat('vpmaxsd %xmm1, %xmm2, %xmm3', stz({1: x1, 2: x2, 3: full}),
        lambda o: o.z[3], d(0x7fffffff, 0, 0x7fffffff, 5))
    kat('vpmaxud %xmm1, %xmm2, %xmm3', stz({1: x1, 2: x2, 3: full}),
        lambda o: o.z[3], d(0x80000000, mm, 0x80000000, 5))
    y1, y2 = q(1 << 63, 1), q(ONES64 >> 1, ONES64)
    kat('vpmaxsq %xmm1, %xmm2, %xmm3', stz({1: y1, 2: y2, 3: full}),
        lambda o: o.z[3], q(ONES64 >> 1, 1))
    kat('vpmaxuq %xmm1, %xmm2, %xmm3', stz({1: y1, 2: y2, 3: full}),
        lambda o: o.z[3], q(1 << 63, ONES64))
    kat('vpminsq %xmm1, %xmm2, %xmm3', stz({1: y1, 2: y2, 3: full}),
        lambda o: o.z[3], q(1 << 63, ONES64))
    kat('vpminuq %xmm1, %xmm2, %xmm3', stz({1: y1, 2: y2, 3: full}),
        lambda o: o.z[3], q(ONES64 >> 1, 1))
    # VPABS: |INT_MIN| is INT_MIN (unsigned 2^31 / 2^63)
    kat('vpabsd %xmm1, %xmm3', stz({1: d(0x80000000, mm, 0x7fffffff,
                                         0xfffffff6), 3: full}),
        lambda o: o.z[3], d(0x80000000, 1, 0x7fffffff, 10))
    kat('vpabsq %xmm1, %xmm3', stz({1: q(1 << 63, ONES64 - 1), 3: full}),
        lambda o: o.z[3], q(1 << 63, 2))
    # VPSUBD: xmm2 - xmm1, wrapping
    kat('vpsubd %xmm1, %xmm2, %xmm3',
        stz({1: d(1, 1, 7, mm), 2: d(0, 0x80000000, 5, 0x7fffffff),
             3: full}),
        lambda o: o.z[3], d(mm, 0x7fffffff, 0xfffffffe, 0x80000000))
    kat('vpsubq %xmm1, %xmm2, %xmm3', stz({1: q(1, ONES64), 2: q(0, 0),
                                           3: full}),
        lambda o: o.z[3], q(ONES64, 1))
    # VPANDNQ: (NOT xmm2) AND xmm1
    kat('vpandnq %xmm1, %xmm2, %xmm3',
        stz({1: q(0x0ff00ff00ff00ff0, 0x1234), 2: q(0xff00ff00ff00ff00, 0),
             3: full}),
        lambda o: o.z[3], q(0x00f000f000f000f0, 0x1234))
    kat('vpandd %xmm1, %xmm2, %xmm3', stz({1: d(0xf0f0, 3, 0, mm),
                                           2: d(0xff00, 6, mm, mm),
                                           3: full}),
        lambda o: o.z[3], d(0xf000, 2, 0, mm))
    kat('vporq %xmm1, %xmm2, %xmm3', stz({1: q(0xf0, 0), 2: q(0x0f, 1),
                                          3: full}),
        lambda o: o.z[3], q(0xff, 1))
    kat('vpxord %xmm1, %xmm2, %xmm3', stz({1: d(mm, 1, 0, 0),
                                           2: d(0x80000000, 1, 0, 7),
                                           3: full}),
        lambda o: o.z[3], d(0x7fffffff, 0, 0, 7))
    # VPMULLD: low 32 bits of the product
    kat('vpmulld %xmm1, %xmm2, %xmm3',
        stz({1: d(0x10000, 2, mm, 0x55555556),
             2: d(0x10000, 0x7fffffff, mm, 3), 3: full}),
        lambda o: o.z[3], d(0, 0xfffffffe, 1, 2))
    # VPMULDQ/VPMULUDQ: the low dwords of each qword, signed / unsigned
    m1 = q(0xabcdef01_00000002, 0x00000000_80000000)
    m2 = q(0x12345678_ffffffff, 0xdeadbeef_80000000)
    kat('vpmuldq %xmm1, %xmm2, %xmm3', stz({1: m1, 2: m2, 3: full}),
        lambda o: o.z[3], q(ONES64 - 1, 1 << 62))
    kat('vpmuludq %xmm1, %xmm2, %xmm3', stz({1: m1, 2: m2, 3: full}),
        lambda o: o.z[3], q(0x1fffffffe, 1 << 62))
    # ... masked per qword: k1 bit j guards qword j (both of its dwords)
    kat('vpmuldq %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({1: m1, 2: m2, 3: full}, ks(k1=0b01)),
        lambda o: o.z[3], q(ONES64 - 1, 0))
    kat('vpmuldq %xmm1, %xmm2, %xmm3{%k1}',
        stz({1: m1, 2: m2, 3: full}, ks(k1=0b10)),
        lambda o: o.z[3], q(elem(full, 8, 0), 1 << 62))
    # (qwords 2 and 3 of the sources are 0: their products too)
    kat('vpmuludq %ymm1, %ymm2, %ymm3{%k1}',
        stz({1: m1, 2: m2, 3: full}, ks(k1=0b1100)),
        lambda o: o.z[3], full & ((1 << 128) - 1))
    # ... {1to2} reads a qword and uses its low dword
    kat('vpmuludq {M}{1to2}, %xmm2, %xmm3',
        stz({2: q(5, ONES64), 3: full}, off=64,
            mem=(0xdeadbeef_00000003).to_bytes(8, 'little')),
        lambda o: o.z[3], q(15, 0x2fffffffd), disp=0)
    # ... which is 8 bytes: 4 of them in the guard page fault
    kat('vpmuldq {M}{1to2}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0b10), off=PAGE - 4, mem=bytes(4)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpmuldq {M}{1to2}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0b100), off=PAGE - 4, mem=bytes(4)),
        lambda o: (o.exc, o.z[3]), (None, full & ((1 << 128) - 1)),
        disp=0)
    # VPORD {1to4} merging: the dword ORed into the active elements
    kat('vpord {M}{1to4}, %xmm2, %xmm3{%k1}',
        stz({2: d(0x100, 0x200, 0x300, 0x400), 3: full}, ks(k1=0b0101),
            off=8, mem=(0x0f).to_bytes(4, 'little')),
        lambda o: o.z[3], d(0x10f, elem(full, 4, 1), 0x30f,
                            elem(full, 4, 3)), disp=0)
    # VPABSD {1to8} zeroing at 256 bits
    kat('vpabsd {M}{1to8}, %ymm3{%k1}{z}',
        stz({3: full}, ks(k1=0x1ff), off=0, mem=bytes([0, 0, 0, 0x80])),
        lambda o: o.z[3], d(*[0x80000000] * 8), disp=0)
    # VPMINSQ from memory across the page end: masked-off qwords 2, 3 in
    # the guard page do not fault, an active one does
    mem16 = q(ONES64, 5).to_bytes(16, 'little')
    kat('vpminsq {M}, %ymm2, %ymm3{%k1}',
        stz({2: q(0, 0, 7, 7), 3: full}, ks(k1=0b0011), off=PAGE - 16,
            mem=mem16),
        lambda o: (o.exc, o.z[3]),
        (None, q(ONES64, 0, elem(full, 8, 2), elem(full, 8, 3))), disp=0)
    kat('vpminsq {M}, %ymm2, %ymm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0b0100), off=PAGE - 16, mem=mem16),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpandnd %xmm1, %xmm2, %xmm3',
        stz({1: d(0xff, 0, mm, 0x1234), 2: d(0x0f, mm, 0, 0x1200),
             3: full}),
        lambda o: o.z[3], d(0xf0, 0, mm, 0x34))
    # bits from VL up cleared; zero-masking clears the inactive elements
    kat('vpxorq %ymm1, %ymm2, %ymm3', stz({1: full, 2: full, 3: full}),
        lambda o: o.z[3], 0)
    kat('vpord %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({1: d(1, 2, 3, 4), 2: d(0x10, 0x20, 0x30, 0x40), 3: full},
            ks(k1=0b0001)),
        lambda o: o.z[3], 0x11)
    # no element active: the {1toN} element in a guard page is not read
    kat('vpsubd {M}{1to4}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, off=PAGE),
        lambda o: (o.exc, o.z[3]), (None, full & ((1 << 128) - 1)), disp=0)
    # qword 0 (masked off) in the lower guard page: no fault
    kat('vpminuq {M}, %zmm2, %zmm3{%k1}{z}',
        stz({2: 0, 3: full}, ks(k1=0xfe), off=-8, mem=bytes(56)),
        lambda o: (o.exc, o.z[3]), (None, 0), disp=0)
    # group cmp (AT&T: op [imm,] %xmm1, %xmm2, %k3 compares SRC1 = xmm2
    # with SRC2 = xmm1); k3 starts as all ones: the bits from KL up clear
    kall = ks(k3=ONES64)
    kat('vpcmpeqd %xmm1, %xmm2, %k3',
        stz({1: d(5, 0x80000000, 7, 0), 2: d(5, 0x80000000, 8, 1)}, kall),
        lambda o: o.k[3], 0b0011)
    c1, c2 = d(0x7fffffff, 0x80000000, 0, 1), d(0x80000000, 0x7fffffff, mm, 1)
    for asm, want in (('vpcmpgtd', 0b0101),         # signed >
                      ('vpcmpud $6,', 0b0010),      # unsigned >
                      ('vpcmpd $2,', 0b1010),       # signed <=
                      ('vpcmpud $1,', 0b0101),      # unsigned <
                      ('vpcmpd $5,', 0b1101),       # signed >=
                      ('vpcmpd $3,', 0),            # FALSE
                      ('vpcmpud $7,', 0b1111)):     # TRUE
        kat(f'{asm} %xmm1, %xmm2, %k3', stz({1: c2, 2: c1}, kall),
            lambda o: o.k[3], want)
    # TRUE at 512 bits under a mask: its low 16 bits
    kat('vpcmpd $7, %zmm1, %zmm2, %k3{%k2}',
        stz({1: 0, 2: 0}, ks(k2=0xffff0000ffff00ff, k3=ONES64)),
        lambda o: o.k[3], 0x00ff)
    kat('vpcmpq $7, %ymm1, %ymm2, %k3', stz({1: 0, 2: 0}, kall),
        lambda o: o.k[3], 0b1111)
    e1, e2 = q(1 << 63, 5), q(ONES64 >> 1, 5)
    for asm, want in (('vpcmpuq $5,', 0b11), ('vpcmpq $5,', 0b10),
                      ('vpcmpq $4,', 0b01), ('vpcmpuq $0,', 0b10),
                      ('vpcmpgtq', 0b00), ('vpcmpq $1,', 0b01)):
        kat(f'{asm} %xmm1, %xmm2, %k3', stz({1: e2, 2: e1}, kall),
            lambda o: o.k[3], want)
    # whole qwords: equal low dwords are not enough, nor is an AND that is
    # 0 in the low dword only
    g1, g2 = q(0x1_00000005, 7), q(0x2_00000005, 7)
    kat('vpcmpeqq %xmm1, %xmm2, %k3', stz({1: g1, 2: g2}, kall),
        lambda o: o.k[3], 0b10)
    kat('vptestmq %xmm1, %xmm2, %k3', stz({1: q(1 << 32, 1),
                                           2: q(1 << 32, 2)}, kall),
        lambda o: o.k[3], 0b01)
    kat('vpcmpq $0, %xmm1, %xmm1, %k3{%k1}', stz({1: 0}, ks(k1=0b10)),
        lambda o: o.k[3], 0b10)
    # qword 0 (masked off) in the lower guard page: no fault
    kat('vpcmpuq $4, {M}, %xmm2, %k3{%k1}',
        stz({2: q(0, 6)}, ks(k1=0b10), off=-8,
            mem=(5).to_bytes(8, 'little')),
        lambda o: (o.exc, o.k[3]), (None, 0b10), disp=0)
    t1, t2 = d(0x0f, 0x0f, 0x80000000, mm), d(0xf0, 0x0f, 0x80000000, 0)
    kat('vptestmd %xmm1, %xmm2, %k3', stz({1: t1, 2: t2}, kall),
        lambda o: o.k[3], 0b0110)
    kat('vptestnmd %xmm1, %xmm2, %k3', stz({1: t1, 2: t2}, kall),
        lambda o: o.k[3], 0b1001)
    # VPTESTNMQ {1to4} under k1 = 1011: AND = 0, 1, 0, 0
    kat('vptestnmq {M}{1to4}, %ymm2, %k3{%k1}',
        stz({2: q(0xff00, 1, 0x100, 0)}, ks(k1=0b1011, k3=ONES64), off=24,
            mem=(0xff).to_bytes(8, 'little')),
        lambda o: o.k[3], 0b1001, disp=0)
    # across the end of the page: masked-off qwords 2, 3 do not fault
    mem16 = q(7, 9).to_bytes(16, 'little')
    kat('vpcmpeqq {M}, %ymm2, %k3{%k1}',
        stz({2: q(7, 8, 0, 0)}, ks(k1=0b0011), off=PAGE - 16, mem=mem16),
        lambda o: (o.exc, o.k[3]), (None, 0b01), disp=0)
    kat('vpcmpeqq {M}, %ymm2, %k3{%k1}',
        stz({2: 0}, ks(k1=0b0100), off=PAGE - 16, mem=mem16),
        lambda o: o.exc, 'PF', disp=0)
    # no element active (k1 bit 2 is above KL = 2): the {1toN} element in
    # a guard page is not read, the result is 0
    kat('vpcmpgtq {M}{1to2}, %xmm2, %k3{%k1}',
        stz({2: 0}, ks(k1=0b100, k3=ONES64), off=PAGE),
        lambda o: (o.exc, o.k[3]), (None, 0), disp=0)
    # FALSE and TRUE read their active elements like the others (choice)
    kat('vpcmpud $7, {M}, %xmm2, %k3{%k1}',
        stz({2: 0}, ks(k1=0b0001), off=PAGE - 4, mem=bytes(4)),
        lambda o: (o.exc, o.k[3]), (None, 0b0001), disp=0)
    kat('vpcmpd $3, {M}, %xmm2, %k3{%k1}',
        stz({2: 0}, ks(k1=0b0010), off=PAGE - 4, mem=bytes(4)),
        lambda o: o.exc, 'PF', disp=0)
    # the writemask is the destination: read, then replaced whole
    kat('vpcmpeqd %xmm1, %xmm1, %k2{%k2}', stz({1: 0}, ks(k2=0xffc5)),
        lambda o: o.k[2], 0b0101)
    kat('vpcmpeqd %zmm1, %zmm1, %k1{%k2}',
        stz({1: 0}, ks(k1=ONES64, k2=0x12345678_9abcdef0)),
        lambda o: o.k[1], 0xdef0)
    # group shuf.  VPSHUFD $0x1b reverses the dwords of each lane
    kat('vpshufd $27, %xmm1, %xmm3', stz({1: d(1, 2, 3, 4), 3: full}),
        lambda o: o.z[3], d(4, 3, 2, 1))
    # $0x4e: dwords 2, 3, 0, 1 in both lanes; merging into dwords 1, 2,
    # 4, 5
    f8 = d(*range(0xf0, 0xf8))
    kat('vpshufd $78, %ymm1, %ymm3{%k1}',
        stz({1: d(10, 11, 12, 13, 20, 21, 22, 23), 3: f8},
            ks(k1=0b00110110)),
        lambda o: o.z[3], d(0xf0, 13, 10, 0xf3, 22, 23, 0xf6, 0xf7))
    # {1to4}: one dword everywhere; no element active, the dword in the
    # guard page faults all the same (E4NF: no fault suppression)
    kat('vpshufd $27, {M}{1to4}, %xmm3',
        stz({3: full}, off=4, mem=(7).to_bytes(4, 'little')),
        lambda o: o.z[3], d(7, 7, 7, 7), disp=0)
    kat('vpshufd $27, {M}{1to4}, %xmm3{%k1}', stz({3: full}, off=PAGE),
        lambda o: o.exc, 'PF', disp=0)
    # ... and a whole operand across the end of the page
    kat('vpunpckldq {M}, %ymm2, %ymm3{%k1}{z}',
        stz({2: 0, 3: full}, ks(k1=0b1), off=PAGE - 16, mem=bytes(16)),
        lambda o: o.exc, 'PF', disp=0)
    # VPUNPCK (AT&T: xmm2 is SRC1, xmm1 SRC2): interleave per lane
    a4, b4 = d(0xa0, 0xa1, 0xa2, 0xa3), d(0xb0, 0xb1, 0xb2, 0xb3)
    kat('vpunpckldq %xmm1, %xmm2, %xmm3', stz({1: b4, 2: a4, 3: full}),
        lambda o: o.z[3], d(0xa0, 0xb0, 0xa1, 0xb1))
    kat('vpunpckhdq %xmm1, %xmm2, %xmm3', stz({1: b4, 2: a4, 3: full}),
        lambda o: o.z[3], d(0xa2, 0xb2, 0xa3, 0xb3))
    kat('vpunpckhqdq %ymm1, %ymm2, %ymm3',
        stz({1: q(0xb0, 0xb1, 0xb2, 0xb3), 2: q(0xa0, 0xa1, 0xa2, 0xa3),
             3: full}),
        lambda o: o.z[3], q(0xa1, 0xb1, 0xa3, 0xb3))
    kat('vpunpcklqdq {M}{1to2}, %xmm2, %xmm3',
        stz({2: q(0xa0, 0xa1), 3: full}, off=8,
            mem=(0x5eed).to_bytes(8, 'little')),
        lambda o: o.z[3], q(0xa0, 0x5eed), disp=0)
    # VPTERNLOG (AT&T: $imm, SRC2, SRC1, DEST).  0xca is DEST ? SRC1 :
    # SRC2, bit by bit
    kat('vpternlogd $202, %xmm1, %xmm2, %xmm3',
        stz({3: d(0xffff0000, 0, mm, 0x0f0f0f0f),
             2: d(0x12345678, 0x11111111, 0xdeadbeef, mm),
             1: d(0x9abcdef0, 0x22222222, 0, 0)}),
        lambda o: o.z[3], d(0x1234def0, 0x22222222, 0xdeadbeef, 0x0f0f0f0f))
    # with DEST, SRC1, SRC2 = 0xf0, 0xcc, 0xaa in every byte each byte of
    # the result is the table itself
    kat('vpternlogd $111, %zmm1, %zmm2, %zmm3',
        stz({3: int('f0' * 64, 16), 2: int('cc' * 64, 16),
             1: int('aa' * 64, 16)}),
        lambda o: o.z[3], int('6f' * 64, 16))
    # 0x96 is DEST ^ SRC1 ^ SRC2; merging keeps DEST's qword 1, zeroing
    # clears it
    t3 = {3: q(0xff00, 0x1234), 2: q(0x0ff0, 5), 1: q(0x00ff, 6)}
    kat('vpternlogq $150, %xmm1, %xmm2, %xmm3{%k1}', stz(t3, ks(k1=1)),
        lambda o: o.z[3], q(0xf00f, 0x1234))
    kat('vpternlogq $150, %xmm1, %xmm2, %xmm3{%k1}{z}', stz(t3, ks(k1=1)),
        lambda o: o.z[3], q(0xf00f, 0))
    # 0xe8 is the majority: 1100, 1010, 0110 give 1110
    kat('vpternlogd $232, %xmm1, %xmm2, %xmm3',
        stz({3: 0b1100, 2: 0b1010, 1: 0b0110}),
        lambda o: o.z[3], 0b1110)
    # E4: no element active, the {1toN} dword in the guard page is not
    # read
    kat('vpternlogd $150, {M}{1to4}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, off=-4),
        lambda o: (o.exc, o.z[3]), (None, full & ONES128), disp=0)
    # VPMOVSX/ZX
    bytes4 = 0x01ff7f80
    kat('vpmovsxbd %xmm1, %xmm3', stz({1: bytes4, 3: full}),
        lambda o: o.z[3], d(0xffffff80, 0x7f, mm, 1))
    kat('vpmovzxbd %xmm1, %xmm3', stz({1: bytes4, 3: full}),
        lambda o: o.z[3], d(0x80, 0x7f, 0xff, 1))
    words4 = 0x7fff_1234_ffff_8000
    kat('vpmovzxwq %xmm1, %ymm3', stz({1: words4, 3: full}),
        lambda o: o.z[3], q(0x8000, 0xffff, 0x1234, 0x7fff))
    kat('vpmovsxwq %xmm1, %ymm3', stz({1: words4, 3: full}),
        lambda o: o.z[3], q(ONES64 - 0x7fff, ONES64, 0x1234, 0x7fff))
    # E5: the 32-byte source of VPMOVSXDQ zmm across the end of the page;
    # dwords 4-7, in the guard page, masked off: no fault
    dw = d(0x80000000, 5, mm, 0x7fffffff)
    kat('vpmovsxdq {M}, %zmm3{%k1}',
        stz({3: full}, ks(k1=0x0f), off=PAGE - 16,
            mem=dw.to_bytes(16, 'little')),
        lambda o: (o.exc, o.z[3]),
        (None, q(0xffffffff80000000, 5, ONES64, 0x7fffffff) |
         full >> 256 << 256), disp=0)
    kat('vpmovsxdq {M}, %zmm3{%k1}',
        stz({3: full}, ks(k1=0x10), off=PAGE - 16, mem=bytes(16)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpmovzxdq {M}, %zmm3{%k1}{z}',
        stz({3: full}, ks(k1=0x0c), off=PAGE - 16,
            mem=dw.to_bytes(16, 'little')),
        lambda o: (o.exc, o.z[3]), (None, q(0, 0, mm, 0x7fffffff)), disp=0)
    kat('vpmovsxwd %xmm1, %ymm3', stz({1: words4, 3: full}),
        lambda o: o.z[3], d(0xffff8000, mm, 0x1234, 0x7fff))
    # bytes to qwords: byte j to qword j
    kat('vpmovzxbq %xmm1, %xmm3', stz({1: 0x1234, 3: full}),
        lambda o: o.z[3], q(0x34, 0x12))
    # VALIGND $1 (AT&T: xmm2 is SRC1, the upper half): b1 b2 b3 a0
    kat('valignd $1, %xmm1, %xmm2, %xmm3', stz({1: b4, 2: a4, 3: full}),
        lambda o: o.z[3], d(0xb1, 0xb2, 0xb3, 0xa0))
    # the count modulo the element count: 17 is 1 at 512 bits, 5 is 1
    # for qwords at 256, 6 is 0 for qwords at 128
    a16 = d(*range(0xa0, 0xb0))
    b16 = d(*range(0xb0, 0xc0))
    kat('valignd $17, %zmm1, %zmm2, %zmm3', stz({1: b16, 2: a16, 3: 0}),
        lambda o: o.z[3], d(*range(0xb1, 0xc0), 0xa0))
    aq, bq = q(0xa0, 0xa1, 0xa2, 0xa3), q(0xb0, 0xb1, 0xb2, 0xb3)
    kat('valignq $5, %ymm1, %ymm2, %ymm3', stz({1: bq, 2: aq, 3: full}),
        lambda o: o.z[3], q(0xb1, 0xb2, 0xb3, 0xa0))
    kat('valignq $6, %xmm1, %xmm2, %xmm3', stz({1: bq, 2: aq, 3: full}),
        lambda o: o.z[3], q(0xb0, 0xb1))
    kat('valignd $6, %xmm1, %xmm2, %xmm3', stz({1: b4, 2: a4, 3: full}),
        lambda o: o.z[3], d(0xb2, 0xb3, 0xa0, 0xa1))
    # E4NF: every element masked off and the operand across the start of
    # the page: a fault
    kat('valignd $1, {M}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, off=-4, mem=bytes(12)),
        lambda o: o.exc, 'PF', disp=0)
    # VSHUFI64X2 $2 at 256 bits: lane 0 of SRC1 (ymm2), lane 1 of SRC2
    kat('vshufi64x2 $2, %ymm1, %ymm2, %ymm3', stz({1: bq, 2: aq, 3: full}),
        lambda o: o.z[3], q(0xa0, 0xa1, 0xb2, 0xb3))
    # ... merging per qword: k1 bit 1 is qword 1
    kat('vshufi64x2 $2, %ymm1, %ymm2, %ymm3{%k1}',
        stz({1: bq, 2: aq, 3: full}, ks(k1=0b0101)),
        lambda o: o.z[3], q(0xa0, elem(full, 8, 1), 0xb2, elem(full, 8, 3)))
    # VSHUFI32X4 $0x1b at 512 bits: lanes 3, 2 of SRC1, 1, 0 of SRC2;
    # merging per dword
    lanes4 = [sum((0x10 * i + j) << (32 * j) for j in range(4))
              for i in range(4)]
    za = sum(v << (128 * i) for i, v in enumerate(lanes4))
    zb = sum((v | 0xb00) << (128 * i) for i, v in enumerate(lanes4))
    kat('vshufi32x4 $27, %zmm1, %zmm2, %zmm3{%k1}',
        stz({1: zb, 2: za, 3: full}, ks(k1=0x7fff)),
        lambda o: o.z[3], (lanes4[3] | lanes4[2] << 128 |
                           (lanes4[1] | 0xb00) << 256 |
                           ((lanes4[0] | 0xb00) & ((1 << 96) - 1)) << 384 |
                           (full >> 480 << 480)))
    # {1to8}: the dword m in every element of TMP_SRC2
    kat('vshufi32x4 $3, {M}{1to8}, %ymm2, %ymm3',
        stz({2: aq, 3: full}, off=0, mem=(0x77).to_bytes(4, 'little')),
        lambda o: o.z[3], q(0xa2, 0xa3) | d(0x77, 0x77, 0x77, 0x77) << 128,
        disp=0)
    # VSHUFF64X2 $0x4e at 512 bits: lanes 2, 3 of SRC1, 0, 1 of SRC2;
    # zeroing per qword
    kat('vshuff64x2 $78, %zmm1, %zmm2, %zmm3{%k1}{z}',
        stz({1: zb, 2: za, 3: full}, ks(k1=0xfd)),
        lambda o: o.z[3], (lanes4[2] & ONES64 | lanes4[3] << 128 |
                           (lanes4[0] | 0xb00) << 256 |
                           (lanes4[1] | 0xb00) << 384))
    # VSHUFF32X4 {1to16}: the dword m in every element of TMP_SRC2
    kat('vshuff32x4 $0, {M}{1to16}, %zmm2, %zmm3',
        stz({2: za, 3: full}, off=0, mem=(0x5a).to_bytes(4, 'little')),
        lambda o: o.z[3], lanes4[0] | lanes4[0] << 128 |
        sum(0x5a << (32 * j) for j in range(8, 16)), disp=0)
    # the non-temporal moves: aligned (#GP) and whole
    kat('vmovntdqa {M}, %ymm3', stz({3: full}, off=0, mem=bytes(range(32))),
        lambda o: o.z[3], int.from_bytes(bytes(range(32)), 'little'),
        disp=0)
    kat('vmovntps %zmm3, {M}', stz({3: za}, off=32, mem=bytes(64)),
        lambda o: o.exc, 'GP', disp=0)
    kat('vmovntdqa {M}, %xmm3', stz({3: za}, off=8, mem=bytes(16)),
        lambda o: o.exc, 'GP', disp=0)
    # VPMOVM2B: 0xff where k is set; VPMOVQ2M: the signs of the qwords
    kat('vpmovm2b %k1, %xmm3', stz({3: full}, ks(k1=0x8005)),
        lambda o: o.z[3], 0xff | 0xff << 16 | 0xff << 120)
    kat('vpmovq2m %ymm1, %k3',
        stz({1: (1 << 63) | 1 << 255 | 5 << 64}), lambda o: o.k[3], 0b1001)
    # AVX512BW compares: 0x80 is -128 signed, 128 unsigned; k1 = 0b01
    # keeps bit 0 only
    kat('vpcmpgtb %xmm1, %xmm2, %k3', stz({1: 0x80 | 0x80 << 8,
                                         2: 0x7f | 0x7f << 8}),
        lambda o: o.k[3], 0b11)
    kat('vpcmpub $1, %xmm1, %xmm2, %k3{%k1}',
        stz({1: 0x80 | 0x80 << 8, 2: 0x7f | 0x7f << 8}, ks(k1=1)),
        lambda o: o.k[3], 0b01)
    kat('vptestnmw %xmm1, %xmm2, %k3',
        stz({1: 0x00ff_0101, 2: 0x0100_0100}), lambda o: o.k[3], 0xfe)
    # AVX512BW word shifts: VPSRAW by 16 or more fills with the sign,
    # VPSRLVW by 16 gives 0, by 15 the top bit; VPSLLW by an xmm count
    w8 = lambda *v: sum(x << (16 * j) for j, x in enumerate(v))  # noqa
    kat('vpsraw $16, %xmm1, %xmm3', stz({1: w8(0x8000, 0x7fff), 3: 0}),
        lambda o: o.z[3], w8(0xffff, 0))
    kat('vpsrlvw %xmm1, %xmm2, %xmm3',
        stz({1: w8(16, 15, 1), 2: w8(0x8001, 0x8001, 0x8001), 3: 0}),
        lambda o: o.z[3], w8(0, 1, 0x4000))
    kat('vpsllw %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({1: 4, 2: w8(0x1234, 0x1234), 3: 0}, ks(k1=0b10)),
        lambda o: o.z[3], w8(0, 0x2340))
    # VPBROADCASTW from a GPR: its low word; merging per word
    kat('vpbroadcastw {A_d}, %xmm3{%k1}',
        stz({3: 0}, ks(k1=0b1010), gpr=[0x12345678, 0, 0, 0]),
        lambda o: o.z[3], 0x5678 << 16 | 0x5678 << 48)
    # AVX512BW: VPADDSB saturates 127 + 1 and -128 + -1, VPADDUSB 255 + 1,
    # VPSUBUSW 0 - 1; VPADDB wraps; VPABSB of -128 is 0x80 (unsigned 128)
    b16 = lambda *v: sum(x << (8 * j) for j, x in enumerate(v))  # noqa
    kat('vpaddsb %xmm1, %xmm2, %xmm3',
        stz({1: b16(1, 0xff, 1, 0xff), 2: b16(0x7f, 0x80, 0xff, 1), 3: 0}),
        lambda o: o.z[3], b16(0x7f, 0x80, 0, 0))
    kat('vpaddusb %xmm1, %xmm2, %xmm3',
        stz({1: b16(1, 0xff), 2: b16(0xff, 0x80), 3: 0}),
        lambda o: o.z[3], b16(0xff, 0xff))
    kat('vpaddb %xmm1, %xmm2, %xmm3',
        stz({1: b16(1, 0xff), 2: b16(0xff, 0x80), 3: 0}),
        lambda o: o.z[3], b16(0, 0x7f))
    kat('vpsubusw %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({1: b16(1, 0, 1, 0), 2: b16(0, 0, 5, 0), 3: 0}, ks(k1=0b11)),
        lambda o: o.z[3], b16(0, 0, 4, 0))
    kat('vpabsb %xmm1, %xmm3', stz({1: b16(0x80, 0xff, 5), 3: 0}),
        lambda o: o.z[3], b16(0x80, 1, 5))
    # group shift.  Immediate counts (AT&T: vpslld $4, %xmm1, %xmm3 is
    # xmm3 := xmm1 << 4): bits shifted out are lost, a count above the
    # width-1 gives 0 (logical) or the sign bit everywhere (arithmetic)
    kat('vpslld $4, %xmm1, %xmm3',
        stz({1: d(0x12345678, 0x80000001, mm, 0), 3: full}),
        lambda o: o.z[3], d(0x23456780, 0x10, 0xfffffff0, 0))
    kat('vpsrld $32, %xmm1, %xmm3', stz({1: d(mm, 1, 0x80000000, 5),
                                         3: full}),
        lambda o: o.z[3], 0)
    sd = d(0x80000000, 0x7fffffff, 0xfffffffe, 1)
    kat('vpsrad $1, %xmm1, %xmm3', stz({1: sd, 3: full}),
        lambda o: o.z[3], d(0xc0000000, 0x3fffffff, mm, 0))
    kat('vpsrad $40, %xmm1, %xmm3', stz({1: sd, 3: full}),
        lambda o: o.z[3], d(mm, 0, mm, 0))
    kat('vpsraq $63, %xmm1, %xmm3', stz({1: q(1 << 63, 5), 3: full}),
        lambda o: o.z[3], q(ONES64, 0))
    kat('vpsraq $255, %xmm1, %xmm3', stz({1: q(1 << 63, 5), 3: full}),
        lambda o: o.z[3], q(ONES64, 0))
    kat('vpsrlq $1, %xmm1, %xmm3', stz({1: q(1 << 63 | 1, 3), 3: full}),
        lambda o: o.z[3], q(1 << 62, 1))
    kat('vpsllq $63, %xmm1, %xmm3', stz({1: q(3, 2), 3: full}),
        lambda o: o.z[3], q(1 << 63, 0))
    kat('vpsllq $64, %xmm1, %xmm3', stz({1: q(3, 2), 3: full}),
        lambda o: o.z[3], 0)
    # merging: element 0 kept, element 1 shifted in its sign
    kat('vpsraq $2, %xmm1, %xmm3{%k1}',
        stz({1: q(0, ONES64 - 15), 3: full}, ks(k1=0b10)),
        lambda o: o.z[3], q(elem(full, 8, 0), ONES64 - 3))
    # {1toN}: the dword shifted into every element
    kat('vpsrld $1, {M}{1to4}, %xmm3',
        stz({3: full}, off=12, mem=(0x10).to_bytes(4, 'little')),
        lambda o: o.z[3], d(8, 8, 8, 8), disp=0)
    # fault suppression of the shifted memory operand: qwords 2 and 3 in
    # the guard page masked off, no fault; qword 2 active, #PF
    kat('vpsllq $1, {M}, %ymm3{%k1}{z}',
        stz({3: full}, ks(k1=0b0011), off=PAGE - 16,
            mem=q(1, 1 << 63).to_bytes(16, 'little')),
        lambda o: (o.exc, o.z[3]), (None, 2), disp=0)
    kat('vpsllq $1, {M}, %ymm3{%k1}{z}',
        stz({3: full}, ks(k1=0b0100), off=PAGE - 16,
            mem=q(1, 1 << 63).to_bytes(16, 'little')),
        lambda o: o.exc, 'PF', disp=0)
    # xmm/m128 counts: the whole low qword (2^32 + 4 is not 4), the high
    # qword ignored
    kat('vpsrlq %xmm1, %xmm2, %xmm3',
        stz({1: q((1 << 32) + 4, 0), 2: q(0xf0, 0x100), 3: full}),
        lambda o: o.z[3], 0)
    kat('vpsllq %xmm1, %xmm2, %xmm3',
        stz({1: q(4, ONES64), 2: q(0xf0, 0x100), 3: full}),
        lambda o: o.z[3], q(0xf00, 0x1000))
    kat('vpsrad %xmm1, %xmm2, %xmm3',
        stz({1: q(32, 0), 2: d(0x80000000, 0x7fffffff, 0x12345678,
                               0xdeadbeef), 3: full}),
        lambda o: o.z[3], d(mm, 0, 0, mm))
    kat('vpslld {M}, %ymm2, %ymm3',
        stz({2: d(*range(1, 9)), 3: full}, off=32,
            mem=(3).to_bytes(8, 'little') + bytes([0xff] * 8)),
        lambda o: o.z[3], d(*range(8, 72, 8)), disp=0)
    # ... the m128 count is read whatever the mask: its upper 8 bytes in
    # the guard page fault with no element active (E4NF)
    kat('vpsrld {M}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0), off=PAGE - 8, mem=bytes(8)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpsrld {M}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0), off=PAGE - 16, mem=bytes(16)),
        lambda o: (o.exc, o.z[3]), (None, full & ((1 << 128) - 1)),
        disp=0)
    # per-element counts: the whole element, unsigned
    kat('vpsravd %xmm1, %xmm2, %xmm3',
        stz({1: d(1, 31, 32, mm), 2: d(0x80000000, 0x80000000,
                                       0x80000000, 0x40000000), 3: full}),
        lambda o: o.z[3], d(0xc0000000, mm, mm, 0))
    kat('vpsllvq %xmm1, %xmm2, %xmm3',
        stz({1: q(63, 64), 2: q(1, 1), 3: full}),
        lambda o: o.z[3], q(1 << 63, 0))
    kat('vpsrlvd %xmm1, %xmm2, %xmm3',
        stz({1: d(0, 4, 33, 0x80000004), 2: d(mm, mm, mm, mm), 3: full}),
        lambda o: o.z[3], d(mm, 0x0fffffff, 0, 0))
    kat('vpsravq %xmm1, %xmm2, %xmm3',
        stz({1: q(65, 1 << 63), 2: q(1 << 63, ONES64 >> 1), 3: full}),
        lambda o: o.z[3], q(ONES64, 0))
    kat('vpsllvd %zmm1, %zmm2, %zmm3',
        stz({1: d(*range(16)), 2: d(*[1] * 16), 3: full}),
        lambda o: o.z[3], d(*[1 << j for j in range(16)]))
    kat('vpsrlvq {M}{1to2}, %xmm2, %xmm3',
        stz({2: q(0x100, 0xff0), 3: full}, off=40,
            mem=(4).to_bytes(8, 'little')),
        lambda o: o.z[3], q(0x10, 0xff), disp=0)
    # rotates: the count mod the width
    kat('vprold $8, %xmm1, %xmm3',
        stz({1: d(0x12345678, 0x80000001, 0, mm), 3: full}),
        lambda o: o.z[3], d(0x34567812, 0x180, 0, mm))
    kat('vprord $8, %xmm1, %xmm3', stz({1: d(0x12345678), 3: full}),
        lambda o: o.z[3], 0x78123456)
    kat('vprolq $36, %xmm1, %xmm3', stz({1: 0x0123456789abcdef, 3: full}),
        lambda o: o.z[3], 0x9abcdef012345678)
    kat('vprolq $100, %xmm1, %xmm3',
        stz({1: 0x0123456789abcdef, 3: full}),
        lambda o: o.z[3], 0x9abcdef012345678)
    kat('vprorq $4, %xmm1, %xmm3', stz({1: 0x0123456789abcdef, 3: full}),
        lambda o: o.z[3], 0xf0123456789abcde)
    kat('vprolvd %xmm1, %xmm2, %xmm3',
        stz({1: d(33, 0, 32, mm), 2: d(0x80000001, 0x12345678, 0x12345678,
                                       1), 3: full}),
        lambda o: o.z[3], d(3, 0x12345678, 0x12345678, 0x80000000))
    kat('vprorvq %xmm1, %xmm2, %xmm3{%k1}{z}',
        stz({1: q(64, ONES64), 2: q(1 << 63 | 1, 1), 3: full},
            ks(k1=0b11)),
        lambda o: o.z[3], q(1 << 63 | 1, 2))
    # more counts at and above the width, and per element
    kat('vpslld $33, %xmm1, %xmm3', stz({1: d(1, 2, 3, mm), 3: full}),
        lambda o: o.z[3], 0)
    kat('vpsllq %xmm1, %xmm2, %xmm3',
        stz({1: q((1 << 32) + 1, 0), 2: q(1, 2), 3: full}),
        lambda o: o.z[3], 0)
    kat('vpsrld %xmm1, %xmm2, %xmm3',
        stz({1: q(1, 5), 2: d(2, 4, 6, 8), 3: full}),
        lambda o: o.z[3], d(1, 2, 3, 4))
    kat('vpsrad {M}, %xmm2, %xmm3{%k1}{z}',
        stz({2: 0, 3: full}, ks(k1=0), off=-8, mem=bytes(8)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpslld {M}, %xmm2, %xmm3',
        stz({2: 0, 3: full}, off=PAGE - 8, mem=bytes(8)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpsllvd %xmm1, %xmm2, %xmm3',
        stz({1: d(32, 33, 0x80000001, 1), 2: d(1, 1, 1, 1), 3: full}),
        lambda o: o.z[3], d(0, 0, 0, 2))
    kat('vpsrlvq %xmm1, %xmm2, %xmm3',
        stz({1: q(4, 8), 2: q(0x100, 0x100), 3: full}),
        lambda o: o.z[3], q(0x10, 1))
    kat('vpsravd {M}{1to4}, %xmm2, %xmm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0), off=PAGE),
        lambda o: (o.exc, o.z[3]), (None, full & ((1 << 128) - 1)),
        disp=0)
    kat('vprorq $64, %xmm1, %xmm3', stz({1: 0x0123456789abcdef, 3: full}),
        lambda o: o.z[3], 0x0123456789abcdef)
    kat('vprolq $4, %xmm1, %xmm3{%k1}{z}',
        stz({1: q(0x0123456789abcdef, 5), 3: full}, ks(k1=0b01)),
        lambda o: o.z[3], 0x123456789abcdef0)
    kat('vprolvq %xmm1, %xmm2, %xmm3',
        stz({1: q(36, 0), 2: q(0x0123456789abcdef, 0), 3: full}),
        lambda o: o.z[3], 0x9abcdef012345678)
    kat('vprorvd %xmm1, %xmm2, %xmm3',
        stz({1: d(8, 20), 2: d(0x12345678, 0x12345678), 3: full}),
        lambda o: o.z[3], d(0x78123456, 0x45678123))
    # group perm (AT&T: op [imm,] SRC2, SRC1, DEST); element j of the
    # data vectors is its base + j: dj(0x10) = d(0x10, 0x11, ...)

    def dj(base, n=16):
        return d(*[base + j for j in range(n)])

    def qj(base, n=8):
        return q(*[base + j for j in range(n)])

    # VPERMD: index bits 2:0 at 256 bits (9 -> 1, -2 -> 6), 3:0 at 512
    kat('vpermd %ymm1, %ymm2, %ymm3',
        stz({1: dj(0xa0, 8), 2: d(7, 0, 9, 0xfffffffe, 3, 3, 0x80000005,
                                  2), 3: full}),
        lambda o: o.z[3], d(0xa7, 0xa0, 0xa1, 0xa6, 0xa3, 0xa3, 0xa5, 0xa2))
    kat('vpermd %zmm1, %zmm2, %zmm3',
        stz({1: dj(0xa0), 2: d(9, 15, 16, 0x1f), 3: full}),
        lambda o: o.z[3], d(0xa9, 0xaf, 0xa0, 0xaf, *[0xa0] * 12))
    # VPERMQ with an index vector: bits 1:0 at 256 bits, the rest ignored
    kat('vpermq %ymm1, %ymm2, %ymm3',
        stz({1: qj(0x10, 4), 2: q(0x1_00000003, 4, ONES64, 1), 3: full}),
        lambda o: o.z[3], q(0x13, 0x10, 0x13, 0x11))
    # VPERMQ/VPERMPD imm8: 27 (0x1b) reverses, 78 (0x4e) swaps pairs per
    # 256 bits
    kat('vpermq $27, %ymm1, %ymm3', stz({1: qj(0x10, 4), 3: full}),
        lambda o: o.z[3], q(0x13, 0x12, 0x11, 0x10))
    kat('vpermpd $78, %zmm1, %zmm3', stz({1: qj(0x20), 3: full}),
        lambda o: o.z[3], q(0x22, 0x23, 0x20, 0x21, 0x26, 0x27, 0x24,
                            0x25))
    # VPERMI2D: the destination holds the indices (bits 1:0 the element,
    # bit 2 the table: 0x86 is SRC2's element 2), SRC1 the first table;
    # merging keeps the index
    pi = {1: dj(0x20, 4), 2: dj(0x10, 4), 3: d(0, 5, 0x86, 3)}
    kat('vpermi2d %xmm1, %xmm2, %xmm3', stz(dict(pi)),
        lambda o: o.z[3], d(0x10, 0x21, 0x22, 0x13))
    kat('vpermi2d %xmm1, %xmm2, %xmm3{%k1}', stz(dict(pi), ks(k1=0b0101)),
        lambda o: o.z[3], d(0x10, 5, 0x22, 3))
    # VPERMT2D: the destination is the first table, SRC1 the indices;
    # merging keeps the first table's element
    pt = {1: dj(0x20, 4), 2: d(0, 5, 0x86, 3), 3: dj(0x10, 4)}
    kat('vpermt2d %xmm1, %xmm2, %xmm3', stz(dict(pt)),
        lambda o: o.z[3], d(0x10, 0x21, 0x22, 0x13))
    kat('vpermt2d %xmm1, %xmm2, %xmm3{%k1}', stz(dict(pt), ks(k1=0b0101)),
        lambda o: o.z[3], d(0x10, 0x11, 0x22, 0x13))
    # VPERMI2Q {1to4}: every element of the second table is the qword
    # read (-4 and 7 have bit 2 set); element 2 zeroed
    kat('vpermi2q {M}{1to4}, %ymm2, %ymm3{%k1}{z}',
        stz({2: qj(0x10, 4), 3: q(4, 1, ONES64 - 3, 7)}, ks(k1=0b1011),
            off=8, mem=(0x55).to_bytes(8, 'little')),
        lambda o: o.z[3], q(0x55, 0x11, 0, 0x55), disp=0)
    # VPERMILPS control vector: bits 1:0 of each dword, within its lane
    kat('vpermilps %ymm1, %ymm2, %ymm3',
        stz({1: d(3, 0x100, 0xfffffffe, 1, 0, 0, 3, 7), 2: dj(0x10, 8),
             3: full}),
        lambda o: o.z[3], d(0x13, 0x10, 0x12, 0x11, 0x14, 0x14, 0x17,
                            0x17))
    # VPERMILPD control vector: bit 1 of each qword (bit 0 ignored)
    kat('vpermilpd %xmm1, %xmm2, %xmm3',
        stz({1: q(3, 1), 2: qj(0x10, 2), 3: full}),
        lambda o: o.z[3], q(0x11, 0x10))
    # VPERMILPD imm8 165 (0xa5): bit j for element j, in its lane
    kat('vpermilpd $165, %zmm1, %zmm3', stz({1: qj(0x20), 3: full}),
        lambda o: o.z[3], q(0x21, 0x20, 0x23, 0x22, 0x24, 0x25, 0x26,
                            0x27))
    kat('vpermilps $27, %ymm1, %ymm3', stz({1: dj(0x10, 8), 3: full}),
        lambda o: o.z[3], d(0x13, 0x12, 0x11, 0x10, 0x17, 0x16, 0x15,
                            0x14))
    # VSHUFPS 78 (0x4e): SRC1's elements 2, 3, then SRC2's 0, 1
    kat('vshufps $78, %xmm1, %xmm2, %xmm3',
        stz({1: dj(0x20, 4), 2: dj(0x10, 4), 3: full}),
        lambda o: o.z[3], d(0x12, 0x13, 0x20, 0x21))
    # VSHUFPD 6: SRC1[0], SRC2[1], SRC1[3], SRC2[2]
    kat('vshufpd $6, %ymm1, %ymm2, %ymm3',
        stz({1: qj(0x20, 4), 2: qj(0x10, 4), 3: full}),
        lambda o: o.z[3], q(0x10, 0x21, 0x13, 0x22))
    kat('vunpcklps %ymm1, %ymm2, %ymm3',
        stz({1: dj(0x20, 8), 2: dj(0x10, 8), 3: full}),
        lambda o: o.z[3], d(0x10, 0x20, 0x11, 0x21, 0x14, 0x24, 0x15,
                            0x25))
    kat('vunpckhpd {M}{1to8}, %zmm2, %zmm3{%k1}{z}',
        stz({2: qj(0x10), 3: full}, ks(k1=0x0f), off=64,
            mem=(0x77).to_bytes(8, 'little')),
        lambda o: o.z[3], q(0x11, 0x77, 0x13, 0x77), disp=0)
    # VINSERTI32X4: imm8[1:0] at 512 bits (6 is block 2), imm8[0] at 256
    ins = {1: dj(0x20, 4), 2: dj(0x10), 3: full}
    for imm in (2, 6):
        kat(f'vinserti32x4 ${imm}, %xmm1, %zmm2, %zmm3', stz(dict(ins)),
            lambda o: o.z[3], d(*range(0x10, 0x18), *range(0x20, 0x24),
                                *range(0x1c, 0x20)))
    kat('vinserti32x4 $2, %xmm1, %ymm2, %ymm3', stz(dict(ins)),
        lambda o: o.z[3], d(*range(0x20, 0x24), *range(0x14, 0x18)))
    # VINSERTF64X4 from memory, merging: qwords 4 and 6 from memory
    kat('vinsertf64x4 $1, {M}, %zmm2, %zmm3{%k1}',
        stz({2: qj(0x10), 3: qj(0xf0)}, ks(k1=0b01010000), off=0,
            mem=qj(0x30, 4).to_bytes(32, 'little')),
        lambda o: o.z[3], q(0xf0, 0xf1, 0xf2, 0xf3, 0x30, 0xf5, 0x32,
                            0xf7), disp=0)
    # no fault suppression (E6NF, E4NF): no element active, and yet the
    # operand in a guard page faults
    kat('vinsertf32x4 $0, {M}, %ymm2, %ymm3{%k1}',
        stz({2: 0, 3: full}, ks(k1=0), off=PAGE),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpermps {M}, %ymm2, %ymm3{%k1}', stz({2: 0, 3: full}, off=PAGE),
        lambda o: o.exc, 'PF', disp=0)
    kat('vpermilps $0, {M}{1to4}, %xmm3{%k1}{z}', stz({3: full}, off=-4),
        lambda o: o.exc, 'PF', disp=0)
    # VEXTRACTI32X4 block 3 zero-masked; bits 511:128 cleared
    kat('vextracti32x4 $3, %zmm1, %xmm3{%k1}{z}',
        stz({1: dj(0x10), 3: full}, ks(k1=0b0110)),
        lambda o: o.z[3], d(0, 0x1d, 0x1e, 0))
    kat('vextracti32x4 $254, %ymm1, %xmm3', stz({1: dj(0x10), 3: full}),
        lambda o: o.z[3], dj(0x10, 4))
    # VEXTRACTF64X4 to memory: the active qwords of block 1 only
    kat('vextractf64x4 $1, %zmm1, {M}{%k1}',
        stz({1: qj(0x10)}, ks(k1=0b0101), off=0, mem=bytes(32)),
        lambda o: sorted(o.mem.items()),
        [(0, 0x14)] + [(i, 0) for i in range(1, 8)] + [(16, 0x16)] +
        [(i, 0) for i in range(17, 24)], disp=0)
    # ... whose masked-off qwords 2, 3 in the guard page fault (E6NF)
    kat('vextractf64x4 $1, %zmm1, {M}{%k1}',
        stz({1: qj(0x10)}, ks(k1=0b0011), off=PAGE - 16, mem=bytes(16)),
        lambda o: o.exc, 'PF', disp=0)
    # VPCOMPRESSD: elements 0, 5, 10, 15 packed; merging keeps the rest
    # of the destination, {z} clears it, at 256 bits bits 511:256 too
    cmp16 = {1: dj(0x10), 3: dj(0xf0)}
    kat('vpcompressd %zmm1, %zmm3{%k1}', stz(dict(cmp16), ks(k1=0x8421)),
        lambda o: o.z[3], d(0x10, 0x15, 0x1a, 0x1f, *range(0xf4, 0x100)))
    kat('vpcompressd %zmm1, %zmm3{%k1}{z}',
        stz(dict(cmp16), ks(k1=0x8421)),
        lambda o: o.z[3], d(0x10, 0x15, 0x1a, 0x1f))
    kat('vpcompressd %ymm1, %ymm3{%k1}', stz(dict(cmp16), ks(k1=0x8421)),
        lambda o: o.z[3], d(0x10, 0x15, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
                            0xf7))
    # VCOMPRESSPD to memory: two active qwords are 16 bytes, which fit
    # before the page's end; a third one faults
    kat('vcompresspd %zmm1, {M}{%k1}',
        stz({1: qj(0x10)}, ks(k1=0b10010000), off=PAGE - 16,
            mem=bytes(16)),
        lambda o: (o.exc, sorted(o.mem.items())),
        (None, [(PAGE - 16 + i, 0x14 if i == 0 else 0x17 if i == 8 else 0)
                for i in range(16)]), disp=0)
    kat('vcompresspd %zmm1, {M}{%k1}',
        stz({1: qj(0x10)}, ks(k1=0b10010010), off=PAGE - 16,
            mem=bytes(16)),
        lambda o: o.exc, 'PF', disp=0)
    # VPEXPANDQ from memory: three active qwords read (24 bytes)
    kat('vpexpandq {M}, %zmm3{%k1}{z}',
        stz({3: full}, ks(k1=0b10100100), off=PAGE - 24,
            mem=qj(0x40, 3).to_bytes(24, 'little')),
        lambda o: (o.exc, o.z[3]), (None, q(0, 0, 0x40, 0, 0, 0x41, 0,
                                            0x42)), disp=0)
    kat('vpexpandq {M}, %zmm3{%k1}{z}',
        stz({3: full}, ks(k1=0b10100101), off=PAGE - 24,
            mem=qj(0x40, 3).to_bytes(24, 'little')),
        lambda o: o.exc, 'PF', disp=0)
    # merging: VPERMI2Q keeps the index, VPERMT2Q the first table; with
    # the same registers the two pick the same elements
    kat('vpermi2q %xmm1, %xmm2, %xmm3{%k1}',
        stz({1: qj(0x20, 2), 2: qj(0x10, 2), 3: q(3, 2)}, ks(k1=0b01)),
        lambda o: o.z[3], q(0x21, 2))
    kat('vpermt2q %xmm1, %xmm2, %xmm3{%k1}',
        stz({1: qj(0x20, 2), 2: q(3, 2), 3: qj(0x10, 2)}, ks(k1=0b01)),
        lambda o: o.z[3], q(0x21, 0x11))
    # VPERMT2PS: index 16 + 5 is the second table's element 5
    kat('vpermt2ps %zmm1, %zmm2, %zmm3',
        stz({1: dj(0x20), 2: d(21, 5, 0xffffffe0), 3: dj(0x10)}),
        lambda o: o.z[3], d(0x25, 0x15, 0x10, *[0x10] * 13))
    kat('vunpckhps %xmm1, %xmm2, %xmm3',
        stz({1: dj(0x20, 4), 2: dj(0x10, 4), 3: full}),
        lambda o: o.z[3], d(0x12, 0x22, 0x13, 0x23))
    kat('vunpcklpd %xmm1, %xmm2, %xmm3',
        stz({1: qj(0x20, 2), 2: qj(0x10, 2), 3: full}),
        lambda o: o.z[3], q(0x10, 0x20))
    kat('vextracti64x4 $1, %zmm1, %ymm3', stz({1: qj(0x10), 3: full}),
        lambda o: o.z[3], q(0x14, 0x15, 0x16, 0x17))
    kat('vextractf32x4 $1, %ymm1, {M}{%k1}',
        stz({1: dj(0x10, 8)}, ks(k1=0b1000), off=0, mem=bytes(16)),
        lambda o: sorted(o.mem.items()),
        [(12, 0x17), (13, 0), (14, 0), (15, 0)], disp=0)
    kat('vextracti32x4 $0, %zmm1, {M}{%k1}',
        stz({1: dj(0x10)}, ks(k1=0b0001), off=PAGE - 4, mem=bytes(4)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vcompressps %xmm1, %xmm3{%k1}{z}',
        stz({1: dj(0x10, 4), 3: full}, ks(k1=0b1010)),
        lambda o: o.z[3], d(0x11, 0x13))
    kat('vpexpandd %xmm1, %xmm3{%k1}{z}',
        stz({1: dj(0x10, 4), 3: full}, ks(k1=0b1100)),
        lambda o: o.z[3], d(0, 0, 0x10, 0x11))
    # VEXPANDPS from memory: one active element reads 4 bytes only
    kat('vexpandps {M}, %ymm3{%k1}',
        stz({3: dj(0xf0, 8)}, ks(k1=0b100), off=PAGE - 4,
            mem=(0x99).to_bytes(4, 'little')),
        lambda o: (o.exc, o.z[3]),
        (None, d(0xf0, 0xf1, 0x99, *range(0xf3, 0xf8))), disp=0)
    kat('vexpandps %xmm1, %xmm3{%k1}',
        stz({1: dj(0x10, 4), 3: dj(0xf0, 4)}, ks(k1=0b1010)),
        lambda o: o.z[3], d(0xf0, 0x10, 0xf2, 0x11))
    # group trunc (AT&T: vpmovqb %ymm1, %xmm3 converts SRC = ymm1 into
    # DEST = xmm3).  Qwords 128, -128, 127, -129 to bytes: truncated,
    # saturated signed, saturated unsigned (the source taken unsigned);
    # DEST above the 4 result bytes is cleared
    sq = q(0x80, ONES64 - 0x7f, 0x7f, ONES64 - 0x80)
    for asm, want in (('vpmovqb', 0x7f7f8080), ('vpmovsqb', 0x807f807f),
                      ('vpmovusqb', 0xff7fff80)):
        kat(f'{asm} %ymm1, %xmm3', stz({1: sq, 3: full}),
            lambda o: o.z[3], want)
    # dwords 0x8000, -32769, 0x7fff, -32768 to signed words, {z} with
    # k1 = 0101: words 0x7fff, 0, 0x7fff, 0
    kat('vpmovsdw %xmm1, %xmm3{%k1}{z}',
        stz({1: d(0x8000, 0xffff7fff, 0x7fff, 0xffff8000), 3: full},
            ks(k1=0b0101)),
        lambda o: o.z[3], 0x00007fff_00007fff)
    # -128 is in the range of a signed byte, -129 is not; {z}
    kat('vpmovsdb %xmm1, %xmm3{%k1}{z}',
        stz({1: d(0xffffff80, 0xffffff7f, 0xff, 0x7fffffff), 3: full},
            ks(k1=0b1011)),
        lambda o: o.z[3], 0x7f008080)
    kat('vpmovdb %xmm1, %xmm3{%k1}{z}',
        stz({1: d(0x101, 0x202, 0x303, 0x404), 3: full}, ks(k1=0b0101)),
        lambda o: o.z[3], 0x00030001)
    # unsigned saturation takes a negative dword as a big number
    kat('vpmovusdw %xmm1, %xmm3',
        stz({1: d(0xfffffffb, 0x1234, 0x10000, 0xffff), 3: full}),
        lambda o: o.z[3], 0xffff_ffff_1234_ffff)
    kat('vpmovusqd %xmm1, %xmm3', stz({1: q(1 << 32, 0xffffffff),
                                       3: full}),
        lambda o: o.z[3], 0xffffffff_ffffffff)
    # unsigned saturation, merging with k1 = 1010: words 0 and 2 kept
    # (0x4140, 0x4544 of full), bits 64 up cleared
    kat('vpmovusdw %xmm1, %xmm3{%k1}',
        stz({1: d(0x10000, 0xffff, 0x80000000, 5), 3: full},
            ks(k1=0b1010)),
        lambda o: o.z[3], 0x0005_4544_ffff_4140)
    # VPMOVQD zmm to ymm: the low dword of each qword, bits 256 up cleared
    kat('vpmovqd %zmm1, %ymm3', stz({1: full, 3: full}),
        lambda o: o.z[3], d(0x43424140, 0x4b4a4948, 0x53525150, 0x5b5a5958,
                            0x63626160, 0x6b6a6968, 0x73727170,
                            0x7b7a7978))
    # VPMOVDB of 16 dwords: 16 bytes, the whole xmm
    kat('vpmovdb %zmm1, %xmm3', stz({1: full, 3: 0}),
        lambda o: o.z[3], 0x7c7874706c6864605c5854504c484440)
    # a masked store of 4 words at the end of the page: elements 0 and 1
    # in the page, 2 and 3 in the guard page
    yq = q(0x1111_2222_3333_4444, 0x5555_6666_7777_8888, 0, 0)
    for kv, want in ((0b0011, (None, [(PAGE - 4, 0x44), (PAGE - 3, 0x44),
                                      (PAGE - 2, 0x88), (PAGE - 1, 0x88)])),
                     (0b0010, (None, [(PAGE - 2, 0x88), (PAGE - 1, 0x88)])),
                     (0b0110, ('PF', [])), (0b1000, ('PF', [])),
                     (0, (None, []))):
        kat('vpmovqw %ymm1, {M}{%k1}',
            stz({1: yq}, ks(k1=kv), off=PAGE - 4, mem=bytes(4)),
            lambda o: (o.exc, sorted(o.mem.items())), want, disp=0)
    # VPMOVUSQW store half in a guard page with no element active: no
    # fault
    kat('vpmovusqw %zmm1, {M}{%k1}', stz({1: full}, off=-8, mem=bytes(8)),
        lambda o: (o.exc, o.mem), (None, {}), disp=0)
    # VPMOVQB with k1 = 01: byte 0 written, byte 1 unchanged
    kat('vpmovqb %xmm1, {M}{%k1}', stz({1: full}, ks(k1=1), off=100,
                                       mem=bytes(2)),
        lambda o: (o.exc, o.mem), (None, {100: 0x40}), disp=0)
    # VMOVDDUP: the even qwords twice; from m64 at 128 bits
    kat('vmovddup %ymm1, %ymm3', stz({1: q(1, 2, 3, 4), 3: full}),
        lambda o: o.z[3], q(1, 1, 3, 3))
    kat('vmovddup {M}, %xmm3', stz({3: full}, off=40,
                                   mem=bytes(range(1, 9))),
        lambda o: o.z[3], q(0x0807060504030201, 0x0807060504030201),
        disp=0)
    kat('vmovsldup %xmm1, %xmm3', stz({1: d(1, 2, 3, 4), 3: full}),
        lambda o: o.z[3], d(1, 1, 3, 3))
    kat('vmovshdup %xmm1, %xmm3', stz({1: d(1, 2, 3, 4), 3: full}),
        lambda o: o.z[3], d(2, 2, 4, 4))
    kat('vmovsldup %xmm1, %xmm3{%k1}{z}',
        stz({1: d(1, 2, 3, 4), 3: full}, ks(k1=0b0110)),
        lambda o: o.z[3], d(0, 1, 3, 0))
    # E4NF: every element masked off, half the operand in the guard page:
    # a fault all the same; in the page: the destination kept (to VL)
    kat('vmovsldup {M}, %xmm3{%k1}', stz({3: full}, off=PAGE - 8,
                                         mem=bytes(8)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vmovshdup {M}, %xmm3{%k1}', stz({3: full}, off=PAGE - 16,
                                         mem=bytes(16)),
        lambda o: (o.exc, o.z[3]), (None, full & (1 << 128) - 1), disp=0)
    # VMOVHPS/LPS loads (AT&T: {M}, SRC1, DEST), stores, VMOVHLPS/LHPS
    h1, h2 = q(0xa1, 0xa2), q(0xb1, 0xb2)
    c8 = (0xc1).to_bytes(8, 'little')
    kat('vmovhps {M}, %xmm2, %xmm3', stz({2: h2, 3: full}, off=8, mem=c8),
        lambda o: o.z[3], q(0xb1, 0xc1), disp=0)
    kat('vmovlpd {M}, %xmm2, %xmm3', stz({2: h2, 3: full}, off=8, mem=c8),
        lambda o: o.z[3], q(0xc1, 0xb2), disp=0)
    kat('vmovhpd %xmm1, {M}', stz({1: h1}, off=8, mem=bytes(8)),
        lambda o: sorted(o.mem.items()),
        [(8, 0xa2)] + [(9 + i, 0) for i in range(7)], disp=0)
    kat('vmovlps %xmm1, {M}', stz({1: h1}, off=PAGE - 4, mem=bytes(4)),
        lambda o: o.exc, 'PF', disp=0)
    kat('vmovlps %xmm1, {M}', stz({1: h1}, off=0, mem=bytes(8)),
        lambda o: o.mem[0], 0xa1, disp=0)
    kat('vmovhpd {M}, %xmm2, %xmm3', stz({2: h2, 3: full}, off=8, mem=c8),
        lambda o: o.z[3], q(0xb1, 0xc1), disp=0)
    kat('vmovhlps %xmm1, %xmm2, %xmm3', stz({1: h1, 2: h2, 3: full}),
        lambda o: o.z[3], q(0xa2, 0xb2))
    kat('vmovlhps %xmm1, %xmm2, %xmm3', stz({1: h1, 2: h2, 3: full}),
        lambda o: o.z[3], q(0xb1, 0xa1))
    # VEXTRACTPS: imm8[1:0] selects, a GPR is zero-extended
    for imm, want in ((2, 3), (0xff, 4), (0x7c, 1)):
        kat(f'vextractps ${imm}, %xmm1, {{A_d}}',
            stz({1: d(1, 2, 3, 4)}, gpr=[ONES64, 0, 0, 0]),
            lambda o: o.gpr[0], want)
    kat('vextractps $1, %xmm1, {M}', stz({1: d(1, 0x11223344, 3, 4)},
                                         off=12, mem=bytes(4)),
        lambda o: sorted(o.mem.items()),
        [(12, 0x44), (13, 0x33), (14, 0x22), (15, 0x11)], disp=0)
    # VINSERTPS (AT&T: imm, SRC2, SRC1, DEST): 156 = 0x9c: COUNT_S 2,
    # COUNT_D 1, ZMASK 1100; 50 = 0x32: COUNT_S 0, COUNT_D 3, ZMASK 0010
    i1, i2 = d(1, 2, 3, 4), d(5, 6, 7, 8)
    # VPINSRW/VPEXTRB: imm8 masked to the element count
    kat('vpinsrw $11, {A_d}, %xmm2, %xmm3',
        stz({2: d(1, 2, 3, 4) | 0xff << 200, 3: 0},
            gpr=[0x1234abcd, 0, 0, 0]),
        lambda o: o.z[3], d(1, 2, 3, 4) & ~(0xffff << 48) | 0xabcd << 48)
    kat('vpextrb $53, %xmm1, {A_d}',
        stz({1: 0x11223344556677889900aabbccddeeff},
            gpr=[ONES64, 0, 0, 0]), lambda o: o.gpr[0], 0xaa)
    kat('vinsertps $156, %xmm1, %xmm2, %xmm3',
        stz({1: i1, 2: i2, 3: full}),
        lambda o: o.z[3], d(5, 3, 0, 0))
    kat('vinsertps $50, %xmm1, %xmm2, %xmm3',
        stz({1: i1, 2: i2, 3: full}),
        lambda o: o.z[3], d(5, 0, 7, 1))
    # ZMASK clears the inserted dword too (18 = 0x12: COUNT_D 1, ZMASK
    # 0010)
    kat('vinsertps $18, %xmm1, %xmm2, %xmm3',
        stz({1: i1, 2: i2, 3: full}),
        lambda o: o.z[3], d(5, 0, 7, 8))
    # from m32 (208 = 0xd0), COUNT_S (3) is ignored
    kat('vinsertps $208, {M}, %xmm2, %xmm3',
        stz({2: i2, 3: full}, off=4, mem=(9).to_bytes(4, 'little')),
        lambda o: o.z[3], d(5, 9, 7, 8), disp=0)
    # group fp (binary32 elements as dwords, element 0 first: d(...));
    # AT&T op %xmm1, %xmm2, %xmm3 is xmm3 := op(SRC1 = xmm2, SRC2 = xmm1);
    # the MXCSR flags: IE 1, DE 2, ZE 4, OE 8, UE 0x10, PE 0x20
    one, two, half = 0x3f800000, 0x40000000, 0x3f000000
    ulp24 = 0x33800000                          # 2^-24: half an ulp of 1
    big, tiny, inf, sgn = 0x7f7fffff, 0x00800000, 0x7f800000, 0x80000000
    low128 = (1 << 128) - 1
    rn, rd, ru, rz, ftz, daz = 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x8000, 0x40

    def out_mx(o):
        return (o.z[3], o.mxcsr)

    def fst(z, kk=None, mx=rn, **kw):
        s = stz(z, kk, **kw)
        s.mxcsr = mx
        return s

    # ties: to even in RN (1 + 2^-24 -> 1, (1 + 2^-23) + 2^-24 -> 1 +
    # 2^-22), up in RU; x - x is +0, or -0 in RD; PE
    a1, a2 = d(one, one + 1, one, ulp24), d(ulp24, ulp24, one, ulp24 | sgn)
    kat('vaddps %xmm1, %xmm2, %xmm3', fst({1: a2, 2: a1, 3: full}),
        out_mx, (d(one, one + 2, two, 0), rn | 0x20))
    kat('vaddps %xmm1, %xmm2, %xmm3', fst({1: a2, 2: a1, 3: full}, mx=ru),
        out_mx, (d(one + 1, one + 2, two, 0), ru | 0x20))
    kat('vaddps %xmm1, %xmm2, %xmm3', fst({1: a2, 2: a1, 3: full}, mx=rd),
        out_mx, (d(one, one + 1, two, sgn), rd | 0x20))
    # binary64: 1 - 1 = +0 (-0 in RD), inf - inf = the default NaN, IE
    p1, pinf = 0x3ff0 << 48, 0x7ff0 << 48
    kat('vsubpd %xmm1, %xmm2, %xmm3', fst({1: q(p1, pinf), 2: q(p1, pinf),
                                           3: full}),
        out_mx, (q(0, 0xfff8 << 48), rn | 1))
    kat('vsubpd %xmm1, %xmm2, %xmm3', fst({1: q(p1, 0), 2: q(p1, 0),
                                           3: full}, mx=rd),
        out_mx, (q(1 << 63, 1 << 63), rd))
    # overflow: infinity or the largest number as the rounding says
    o2 = d(big, big | sgn, 0, 0)
    kat('vmulps %xmm1, %xmm2, %xmm3', fst({1: d(two, two, 0, 0), 2: o2,
                                           3: full}),
        out_mx, (d(inf, inf | sgn, 0, 0), rn | 0x28))
    kat('vmulps %xmm1, %xmm2, %xmm3', fst({1: d(two, two, 0, 0), 2: o2,
                                           3: full}, mx=ru),
        out_mx, (d(inf, big | sgn, 0, 0), ru | 0x28))
    kat('vmulps %xmm1, %xmm2, %xmm3', fst({1: d(two, two, 0, 0), 2: o2,
                                           3: full}, mx=rd),
        out_mx, (d(big, inf | sgn, 0, 0), rd | 0x28))
    kat('vmulps %xmm1, %xmm2, %xmm3', fst({1: d(two, two, 0, 0), 2: o2,
                                           3: full}, mx=rz),
        out_mx, (d(big, big | sgn, 0, 0), rz | 0x28))
    # underflow: 2^-126 / 2 = 2^-127 is exact (no flag), FTZ flushes it
    # (UE, PE); 2^-126 (1 + 2^-23) / 2 is a tie on the denormal grid
    u1, u2 = d(tiny, tiny + 1, tiny + 1, 0), d(half, half, half, 0)
    kat('vmulps %xmm1, %xmm2, %xmm3', fst({1: u2, 2: u1, 3: full}),
        out_mx, (d(0x400000, 0x400000, 0x400000, 0), rn | 0x30))
    kat('vmulps %xmm1, %xmm2, %xmm3', fst({1: u2, 2: u1, 3: full}, mx=ru),
        out_mx, (d(0x400000, 0x400001, 0x400001, 0), ru | 0x30))
    kat('vmulps %xmm1, %xmm2, %xmm3{%k1}',
        fst({1: u2, 2: u1, 3: full}, ks(k1=1)), out_mx,
        (d(0x400000, *(elem(full, 4, j) for j in (1, 2, 3))), rn))
    kat('vmulps %xmm1, %xmm2, %xmm3{%k1}{z}',
        fst({1: u2, 2: u1, 3: full}, ks(k1=1), mx=rn | ftz), out_mx,
        (0, rn | ftz | 0x30))
    # tininess after rounding: 2^-126 - 2^-160 rounds to 2^-126 (not
    # tiny, not flushed: PE only) in RN; in RD it is tiny: flushed to +0
    # with FTZ, else the largest denormal (UE, PE)
    fm = {1: d(0x97800000), 2: d(0x17800000), 3: d(tiny)}   # -2^-80, 2^-80
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3', fst(fm, mx=rn | ftz), out_mx,
        (tiny, rn | ftz | 0x20))
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3', fst(fm, mx=rd | ftz), out_mx,
        (0, rd | ftz | 0x30))
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3', fst(fm, mx=rd), out_mx,
        (0x7fffff, rd | 0x30))
    # one rounding: (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46 exactly (0 if the
    # product were rounded first)
    kat('vfmsub231ps %xmm1, %xmm2, %xmm3',
        fst({1: d(0x3f7ffffe), 2: d(one + 1), 3: d(one)}), out_mx,
        (0xa8800000, rn))
    # NaNs of x*y + z: x first, then y, then z, quieted; IE for any SNaN
    # (213: x = SRC2, y = DEST, z = SRC3; 132: x = DEST; 231: x = SRC2)
    nn = {1: d(0x7f800003, 0x7f800003, one), 2: d(0xffc00002, one, inf),
          3: d(0x7fc00001, one, 0)}
    kat('vfmadd213ps %xmm1, %xmm2, %xmm3', fst(nn), out_mx,
        (d(0xffc00002, 0x7fc00003, 0xffc00000), rn | 1))
    kat('vfmadd132ps %xmm1, %xmm2, %xmm3', fst(nn), out_mx,
        (d(0x7fc00001, 0x7fc00003, inf), rn | 1))
    # inf * 0 + QNaN: the QNaN, no IE; 0 * inf + 1: the default NaN, IE
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3',
        fst({1: d(0, 0), 2: d(inf, inf), 3: d(0x7fc00005, one)}),
        out_mx, (d(0x7fc00005, 0xffc00000), rn | 1))
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3{%k1}',
        fst({1: d(0, 0), 2: d(inf, inf), 3: d(0x7fc00005, one)},
            ks(k1=1)), out_mx, (d(0x7fc00005, one), rn))
    # zero results: -(+0 * 1) - (+0) = -0; 1 * 1 + (-1) = -0 in RD only
    kat('vfnmsub213ps %xmm1, %xmm2, %xmm3', fst({1: 0, 2: 0, 3: d(one)}),
        out_mx, (d(sgn, sgn, sgn, sgn), rn))
    z1 = {1: d(one, one), 2: d(one, one), 3: d(one | sgn, 0)}
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3', fst(z1, mx=rd), out_mx,
        (d(sgn, one), rd))
    kat('vfmadd231ps %xmm1, %xmm2, %xmm3', fst(z1), out_mx,
        (d(0, one), rn))
    # VDIV: 1/0 inf ZE, -1/+0 -inf, 0/0 the default NaN IE, 1/3 PE
    kat('vdivps %xmm1, %xmm2, %xmm3',
        fst({1: d(0, 0, 0, 0x40400000), 2: d(one, one | sgn, 0, one),
             3: full}), out_mx,
        (d(inf, inf | sgn, 0xffc00000, 0x3eaaaaab), rn | 0x25))
    kat('vdivps {rz-sae}, %zmm1, %zmm2, %zmm3',
        fst({1: d(0, 0, 0, 0x40400000), 2: d(one, one | sgn, 0, one),
             3: full}), lambda o: (o.z[3] & low128, o.mxcsr),
        (d(inf, inf | sgn, 0xffc00000, 0x3eaaaaaa), rn))
    # binary64 1 / 2^-1074: overflow; with DAZ a division by zero
    # (DE too: the denormal divisor)
    dv = {1: q(1, p1), 2: q(p1, p1), 3: full}
    kat('vdivpd %xmm1, %xmm2, %xmm3', fst(dv), out_mx,
        (q(pinf, p1), rn | 0x2a))
    kat('vdivpd %xmm1, %xmm2, %xmm3', fst(dv, mx=rn | daz), out_mx,
        (q(pinf, p1), rn | daz | 0x4))
    # VSQRT: -1 IE, -0 is -0, 4 exact, sqrt(2) PE (up in RU)
    sq = d(one | sgn, sgn, 0x40800000, two)
    kat('vsqrtps %xmm1, %xmm3', fst({1: sq, 3: full}), out_mx,
        (d(0xffc00000, sgn, two, 0x3fb504f3), rn | 0x21))
    kat('vsqrtps %xmm1, %xmm3', fst({1: sq, 3: full}, mx=ru), out_mx,
        (d(0xffc00000, sgn, two, 0x3fb504f4), ru | 0x21))
    # SSE NaN rules: the first source's NaN, quieted, else the second's
    kat('vaddps %xmm1, %xmm2, %xmm3',
        fst({1: d(0x7fc12345, 0x7f800001, 0xff800001, one),
             2: d(0x7fa00000, 0xffe00001, one, 0x7fc00000), 3: full}),
        out_mx, (d(0x7fe00000, 0xffe00001, 0xffc00001, 0x7fc00000),
                 rn | 1))
    # VMIN/VMAX: SRC2 for a NaN (not quieted, IE) and for two zeros
    m1 = d(0x7fc00000, one, 0, sgn)
    m2 = d(one, 0x7fa00000, sgn, 0)
    kat('vminps %xmm1, %xmm2, %xmm3', fst({1: m2, 2: m1, 3: full}),
        out_mx, (d(one, 0x7fa00000, sgn, 0), rn | 1))
    kat('vmaxps %xmm1, %xmm2, %xmm3', fst({1: m2, 2: m1, 3: full}),
        out_mx, (d(one, 0x7fa00000, sgn, 0), rn | 1))
    kat('vmaxps %xmm1, %xmm2, %xmm3',
        fst({1: d(two, one), 2: d(one, two), 3: full}),
        lambda o: o.z[3], d(two, two))
    kat('vminps {sae}, %zmm1, %zmm2, %zmm3', fst({1: m2, 2: m1, 3: full}),
        out_mx, (d(one, 0x7fa00000, sgn, 0), rn))
    # ... with DAZ: the denormal returned is its zero
    kat('vminpd %xmm1, %xmm2, %xmm3',
        fst({1: q((1 << 63) | 1, 0x8000_0000_0000_0003),
             2: q(0x7ff8 << 48, 0xbff0 << 48), 3: full}, mx=rn | daz),
        out_mx, (q(1 << 63, 0xbff0 << 48), rn | daz | 1))
    kat('vmaxpd %xmm1, %xmm2, %xmm3',
        fst({1: q(0xbff0 << 48), 2: q(1), 3: full}, mx=rn | daz),
        out_mx, (0, rn | daz))
    # scalar: element 0, bits 127:32 from SRC1, 511:128 cleared
    s2 = d(one, 0x11111111, 0x22222222, 0x33333333) | full << 128
    kat('vaddss %xmm1, %xmm2, %xmm3',
        fst({1: full & ~0xffffffff | two, 2: s2, 3: full}),
        lambda o: o.z[3], d(0x40400000, 0x11111111, 0x22222222,
                            0x33333333))
    kat('vaddss %xmm1, %xmm2, %xmm3{%k1}',
        fst({1: two, 2: s2, 3: full}, ks(k1=0xfe)),
        lambda o: o.z[3], d(elem(full, 4, 0), 0x11111111, 0x22222222,
                            0x33333333))
    kat('vsqrtss %xmm1, %xmm2, %xmm3{%k1}{z}',
        fst({1: 0x40800000, 2: s2, 3: full}, ks(k1=0xfe)),
        lambda o: o.z[3], d(0, 0x11111111, 0x22222222, 0x33333333))
    # the FMA rows' bits 127:32 are DEST's (213: SRC2 * DEST + SRC3)
    kat('vfmadd213ss %xmm1, %xmm2, %xmm3',
        fst({1: two, 2: two, 3: s2}), lambda o: o.z[3],
        d(0x40800000, 0x11111111, 0x22222222, 0x33333333))
    # masked-off element 0 in a guard page: no fault, no flag
    kat('vsqrtsd {M}, %xmm2, %xmm3{%k1}{z}', fst({2: s2, 3: full},
                                                 off=PAGE),
        out_mx, (s2 & ((1 << 128) - 1) & ~ONES64, rn), disp=0)
    kat('vsqrtsd {M}, %xmm2, %xmm3{%k1}{z}',
        fst({2: s2, 3: full}, ks(k1=1), off=PAGE),
        lambda o: (o.exc, o.mxcsr), ('PF', rn), disp=0)
    # embedded rounding: that instruction's, MXCSR untouched (no PE)
    kat('vaddps {ru-sae}, %zmm1, %zmm2, %zmm3',
        fst({1: a2, 2: a1, 3: full}, mx=rd), out_mx,
        (d(one + 1, one + 2, two, 0), rd))
    kat('vaddps {rn-sae}, %zmm1, %zmm2, %zmm3',
        fst({1: a2, 2: a1, 3: full}, mx=rd), out_mx,
        (d(one, one + 2, two, 0), rd))
    kat('vaddss {rd-sae}, %xmm1, %xmm2, %xmm3',
        fst({1: a2, 2: a1, 3: full}, mx=ru | 0x3f), out_mx,
        (d(one, one + 1, one, ulp24), ru | 0x3f))
    # VCMP: SRC1 ? SRC2 is LT, unordered (QNaN), EQ (+0, -0), unordered
    # (an SNaN: IE whatever the predicate); k3's bits from 4 up cleared
    c1, c2 = d(one, 0x7fc00000, 0, one), d(two, one, sgn, 0x7fa00000)
    kall = ks(k3=ONES64)
    for imm, want in ((0, 0b0100), (1, 0b0001), (2, 0b0101), (3, 0b1010),
                      (4, 0b1011), (7, 0b0101), (8, 0b1110), (9, 0b1011),
                      (10, 0b1111), (11, 0), (12, 0b0001), (13, 0b0100),
                      (14, 0), (15, 0b1111), (19, 0b1010), (30, 0)):
        kat(f'vcmpps ${imm}, %xmm1, %xmm2, %k3', fst({1: c2, 2: c1}, kall),
            lambda o: (o.k[3], o.mxcsr), (want, rn | 1))
    # the SNaN masked off: a QNaN signals for LT_OS, not for LT_OQ
    km = ks(k1=0b0111, k3=ONES64)
    kat('vcmpps $1, %xmm1, %xmm2, %k3{%k1}', fst({1: c2, 2: c1}, km),
        lambda o: (o.k[3], o.mxcsr), (0b0001, rn | 1))
    kat('vcmpps $17, %xmm1, %xmm2, %k3{%k1}', fst({1: c2, 2: c1}, km),
        lambda o: (o.k[3], o.mxcsr), (0b0001, rn))
    kat('vcmpps $1, {sae}, %zmm1, %zmm2, %k3', fst({1: c2, 2: c1}, kall),
        lambda o: (o.k[3] & 0xf, o.mxcsr), (0b0001, rn))
    kat('vcmpss $0, %xmm1, %xmm2, %k3', fst({1: c1, 2: c1}, kall),
        lambda o: o.k[3], 1)
    # V[U]COMISS: SRC1 (xmm2) ? SRC2 (xmm1) into ZF, PF, CF; a QNaN
    # signals for VCOMISS only, and {sae} suppresses it
    cf_mx = lambda o: (o.flags & FLAGS_OUT, o.mxcsr)     # noqa: E731
    kat('vcomiss %xmm1, %xmm2', fst({1: c2, 2: c1}), cf_mx, (CF, rn))
    kat('vcomiss %xmm1, %xmm2', fst({1: c1, 2: c2}), cf_mx, (0, rn))
    kat('vucomiss %xmm1, %xmm2', fst({1: c1, 2: c1}), cf_mx, (ZF, rn))
    qn = d(0x7fc00000)
    kat('vucomiss %xmm1, %xmm2', fst({1: qn, 2: c1}), cf_mx,
        (ZF | PF | CF, rn))
    kat('vcomiss %xmm1, %xmm2', fst({1: qn, 2: c1}), cf_mx,
        (ZF | PF | CF, rn | 1))
    kat('vcomiss {sae}, %xmm1, %xmm2', fst({1: qn, 2: c1}), cf_mx,
        (ZF | PF | CF, rn))
    # VRNDSCALE: imm8[2] takes MXCSR.RC (2.5 up: 3), M = 1 rounds to
    # halves, imm8[3] keeps PE out; VGETEXP: 0.3 is 1.2 * 2^-2, a zero
    # gives -inf; VSCALEF: floor(-0.5) is -1
    kat('vrndscaleps $4, %xmm1, %xmm3', fst({1: d(0x40200000), 3: 0},
                                            mx=ru),
        out_mx, (0x40400000, ru | 0x20))
    kat('vrndscaleps $0, %xmm1, %xmm3', fst({1: d(0x40200000), 3: 0},
                                            mx=ru),
        out_mx, (0x40000000, ru | 0x20))
    kat('vrndscaleps $28, %xmm1, %xmm3', fst({1: d(0x3fa66666), 3: 0},
                                             mx=rd),
        out_mx, (0x3f800000, rd))
    kat('vgetexpps %xmm1, %xmm3', fst({1: d(0x3e99999a, 0), 3: 0}),
        out_mx, (d(0xc0000000, 0xff800000, 0xff800000, 0xff800000), rn))
    kat('vscalefps %xmm1, %xmm2, %xmm3',
        fst({1: d(0xbf000000), 2: d(0x3fc00000), 3: 0}), out_mx,
        (0x3f400000, rn))
    # VCVTPH2PS: 1.0, 2^-24 (a binary16 denormal: DAZ does not apply),
    # -inf, an SNaN quieted (IE; no DE)
    w4 = lambda *v: sum(x << (16 * j) for j, x in enumerate(v))  # noqa
    kat('vcvtph2ps %xmm1, %xmm3',
        fst({1: w4(0x3c00, 0x0001, 0xfc00, 0x7d00), 3: full}, mx=rn | daz),
        out_mx, (d(one, ulp24, 0xff800000, 0x7fe00000), rn | daz | 1))
    # ... masked per dword; {sae}: no IE
    kat('vcvtph2ps {sae}, %ymm1, %zmm3{%k1}{z}',
        fst({1: w4(0x7d00, 0x3c00), 3: full}, ks(k1=0b10)),
        out_mx, (d(0, one), rn))
    # VCVTPS2PH under FTZ: 2^-24 is the smallest denormal (exact: no flag),
    # 65520 overflows in RN, 1.0, 2^-25 ties to 0 (UE, PE); imm8 3 (RZ):
    # 65520 rounds to the largest finite number (PE), 65536 overflows to it
    # (OE, PE)
    kat('vcvtps2ph $0, %xmm1, %xmm3',
        fst({1: d(ulp24, 0x477ff000, one, 0x33000000), 3: full},
            mx=rn | ftz),
        out_mx, (w4(0x0001, 0x7c00, 0x3c00, 0), rn | ftz | 0x38))
    kat('vcvtps2ph $3, %xmm1, %xmm3',
        fst({1: d(0x477ff000), 3: full}), out_mx, (0x7bff, rn | 0x20))
    kat('vcvtps2ph $3, %xmm1, %xmm3',
        fst({1: d(0x47800000), 3: full}), out_mx, (0x7bff, rn | 0x28))
    # imm8[2]: MXCSR.RC (RU: 1 + 2^-23 goes up to 1 + 2^-10)
    kat('vcvtps2ph $4, %xmm1, %xmm3', fst({1: d(one + 1), 3: full}, mx=ru),
        out_mx, (0x3c01, ru | 0x20))
    # to memory: only the active elements (k1 = 0b0101)
    kat('vcvtps2ph $0, %xmm1, {M}{%k1}',
        fst({1: d(one, one, two, two)}, ks(k1=0b0101), off=0,
            mem=bytes(8)),
        lambda o: sorted(o.mem.items()),
        [(0, 0), (1, 0x3c), (4, 0), (5, 0x40)], disp=0)
    # VFIXUPIMM (AT&T: table, SRC1, DEST): zero -> +1.0 (IE: imm8[1]),
    # +1.0 -> +0, -inf -> 90.0, 2.0 (positive) -> pi/2
    kat('vfixupimmps $2, %xmm1, %xmm2, %xmm3',
        fst({1: d(0xd00c8a00, 0xd00c8a00, 0xd00c8a00, 0xd00c8a00),
             2: d(0, one, 0xff800000, two), 3: full}),
        out_mx, (d(one, 0, 0x42b40000, 0x3fc90fdb), rn | 1))
    # binary64: the table in each qword's low dword; a QNaN keeps DEST
    # (response 0), an SNaN is quieted (2; IE: imm8[4]); masked per qword
    snan64, qnan64 = 0x7ff4_0000_0000_0001, 0x7ff8 << 48
    kat('vfixupimmpd $16, %xmm1, %xmm2, %xmm3{%k1}',
        fst({1: 0xffffffff_00000020 | 0xffffffff_00000020 << 64,
             2: qnan64 | snan64 << 64, 3: full}, ks(k1=3)),
        out_mx, ((full & ONES64) | (snan64 | 1 << 51) << 64 |
                 (full >> 128 << 128 & 0), rn | 1))
    # DAZ: a denormal is a zero (ZE: imm8[0]; response 1: tsrc, +0); bits
    # 127:32 from SRC1
    kat('vfixupimmss $1, %xmm1, %xmm2, %xmm3',
        fst({1: d(0x100), 2: d(1, 0x11, 0x22, 0x33), 3: full}, mx=rn | daz),
        out_mx, (d(0, 0x11, 0x22, 0x33), rn | daz | 4))
    # response 2 of a number: QNaN(tsrc), its exponent and quiet bit set
    # (1.25 -> 0x7ffc...); bits 127:64 from SRC1
    kat('vfixupimmsd $0, %xmm1, %xmm2, %xmm3',
        fst({1: 0x20000000, 2: 0x3ff4 << 48 | 0x55 << 64, 3: full}),
        out_mx, (0x7ffc << 48 | 0x55 << 64, rn))
    # VRCP14/VRSQRT14 (QEMU's choice within the SDM's bound: rounded to
    # nearest); the special cases of the SDM's tables; no flag
    kat('vrcp14ps %xmm1, %xmm3',
        fst({1: d(two, 0, 0xff800000, 0x40400000), 3: full}), out_mx,
        (d(half, 0x7f800000, sgn, 0x3eaaaaab), rn))
    kat('vrsqrt14ps %xmm1, %xmm3',
        fst({1: d(0x40800000, 0xbf800000, sgn, 0x7f800000), 3: full}),
        out_mx, (d(half, 0xffc00000, 0xff800000, 0), rn))
    # a denormal: 2^-127 gives 2^127, or under DAZ +inf
    kat('vrcp14ss %xmm1, %xmm2, %xmm3',
        fst({1: d(0x00400000), 2: d(0, 7), 3: full}), out_mx,
        (d(0x7f000000, 7), rn))
    kat('vrcp14ss %xmm1, %xmm2, %xmm3',
        fst({1: d(0x00400000), 2: d(0, 7), 3: full}, mx=rn | daz), out_mx,
        (d(0x7f800000, 7), rn | daz))
    # conversions with a GPR: ties to even, the indefinites, a negative
    # fraction truncated to 0 unsigned, 2^31 signed and unsigned, and
    # 2^64 - 1 rounded to binary64 (up in RN, down in RZ)
    g_mx = lambda o: (o.gpr[0], o.mxcsr)      # noqa: E731
    z_mx = lambda o: (o.z[2] & ONES64, o.mxcsr)     # noqa: E731
    for src, mn, want in ((0x40200000, 'vcvtss2si', (2, rn | 0x20)),
                          (0x40600000, 'vcvtss2si', (4, rn | 0x20)),
                          (0xbf800000, 'vcvtss2usi', (0xffffffff, rn | 1)),
                          (0xbf000000, 'vcvttss2usi', (0, rn | 0x20)),
                          (0x4f000000, 'vcvtss2si', (1 << 31, rn | 1)),
                          (0x4f000000, 'vcvtss2usi', (1 << 31, rn)),
                          (0x7fc00000, 'vcvttss2si', (1 << 31, rn | 1))):
        kat(f'{mn} %xmm1, {{A_d}}', fst({1: d(src)},
                                         gpr=[ONES64, 0, 0, 0]),
            g_mx, want)
    kat('vcvtusi2sd {A}, %xmm1, %xmm2', fst({1: 0}, gpr=[ONES64, 0, 0, 0]),
        z_mx, (0x43f0000000000000, rn | 0x20))
    kat('vcvtusi2sd {A}, {rz-sae}, %xmm1, %xmm2',
        fst({1: 0}, gpr=[ONES64, 0, 0, 0]), z_mx, (0x43efffffffffffff, rn))
    kat('vcvtsi2sd {A}, %xmm1, %xmm2', fst({1: 0}, gpr=[ONES64, 0, 0, 0]),
        z_mx, (0xbff0000000000000, rn))
    # VFMADDSUB231PS: xmm2 * xmm1 - xmm3 in the even elements, + in the
    # odd ones; VFMSUBADD the other way round (3.0 is 0x40400000)
    fa = {1: d(one, one, one, one), 2: d(two, two, two, two),
          3: d(one, one, one, one)}
    kat('vfmaddsub231ps %xmm1, %xmm2, %xmm3', fst(fa), out_mx,
        (d(one, 0x40400000, one, 0x40400000), rn))
    kat('vfmsubadd231ps %xmm1, %xmm2, %xmm3', fst(fa), out_mx,
        (d(0x40400000, one, 0x40400000, one), rn))
    # ... from memory across the end of the page: an active element in
    # the guard page faults, MXCSR untouched
    kat('vaddps {M}, %ymm2, %ymm3{%k1}',
        fst({2: 0, 3: full}, ks(k1=0x10), off=PAGE - 16, mem=bytes(16)),
        lambda o: (o.exc, o.mxcsr), ('PF', rn), disp=0)
    kat('vaddps {M}, %ymm2, %ymm3{%k1}',
        fst({2: 0, 3: full}, ks(k1=0x0f), off=PAGE - 16,
            mem=bytes(12) + bytes.fromhex('0000c07f')),
        lambda o: (o.exc, o.mxcsr, o.z[3] >> 96 & 0xffffffff),
        (None, rn, 0x7fc00000), disp=0)
    known_answers_bw(kat, stz, ks, full)
    known_answers_dq(kat, stz, full)
    known_answers_vaes(kat, stz, full)
    # a form whose feature the CPU lacks raises #UD
    insn = parse(FORMS['vmovdqu8_x_rr'])
    if model(insn, stz({n: 0 for n in (3, 17)}), {'F', 'VL'}).exc != 'UD':
        fails.append('vmovdqu8 without BW: no #UD')
    return fails


class _Adhoc:
    """A form that exists only for a known answer (operand registers of
    our choosing)."""

    def __init__(self, asm, disp=None, scale=0):
        self.name, self.asm, self.disp, self.scale = asm, asm, disp, scale
        self.feature = 'F'


# groups int, cmp, shuf, shift, perm and trunc have many forms of few
# kinds: a quarter of the cases per form; group fp (1602 forms): an eighth
SELF_CHECK_DIVISOR = {'int': 4, 'cmp': 4, 'shuf': 4, 'shift': 4, 'fp': 8,
                      'perm': 4, 'trunc': 4}


def self_check(n):
    """Known answers, then n random cases per form (fewer for the groups
    of SELF_CHECK_DIVISOR): the model must not fail, and must agree with
    independent formulations and invariants.  Then every mutant of
    MUTANTS must fail that check (a failure here if one does not)."""
    fails = known_answers()
    nkat = len(fails)
    r = random.Random(0x5eed)
    checked = 0
    for name, form in FORMS.items():
        insn = parse(form)
        for _ in range(max(n // SELF_CHECK_DIVISOR.get(form.group, 1),
                           min(n, 1))):
            st = rand_state(r, insn, form)
            try:
                out = model(insn, st)
                fails += invariants(name, form, insn, st, out, r)
            except ModelError as e:
                fails.append(f'{name}: {e}')
            checked += 1
    if not fails:
        for what, by_kat, by_random in mutation_check(max(n // 2, 4)):
            if not by_random:
                fails.append(f'mutant "{what}": the random cases and '
                             'invariants do not see it')
    return nkat, checked, fails


# ---- deliberately broken models (group int) -----------------------------

def _mut_muldq_dword_mask(c):
    """VPMULDQ masked per dword, all qwords of memory read."""
    dst, src1, src2 = c.i.ops
    nq = dst.size // 8
    act = c.active(2 * nq)
    b = c.velems(src2, 8, nq, [True] * nq)
    a = c.z(src1.n)
    prod = [INT_ROWS['vpmuldq'][1](elem(a, 8, j), b[j], 64) & ONES64
            for j in range(nq)]
    c.vwrite(dst, 4, [prod[j // 2] >> (32 * (j % 2)) & 0xffffffff
                      if act[j] else None for j in range(2 * nq)], act)


def _mut_keep_upper(c):
    """VPXORQ leaves the destination's bits from VL up as they were."""
    sem_int(c, *INT_ROWS['vpxorq'])
    dst = c.i.ops[0]
    c.out.z[dst.n] |= c.z(dst.n) & ~((1 << (8 * dst.size)) - 1)


def _mut_zero_merges(c):
    """VPORD {z} merges."""
    c.i = dataclasses.replace(c.i, zero=False)
    sem_int(c, *INT_ROWS['vpord'])


def _mut_bcst_always_read(c):
    """VPSUBD reads its {1toN} element even with every element masked off
    (a fault that suppression should prevent)."""
    if c.i.ops[-1].kind == 'm' and c.i.ops[-1].bcst:
        c.mem.read(c.offset(), 4)
    sem_int(c, *INT_ROWS['vpsubd'])


def _mut_reads_masked_off(c):
    """VPMINUQ reads the masked-off elements of its memory operand."""
    src = c.i.ops[-1]
    if src.kind == 'm' and not src.bcst:
        for j in range(c.i.ops[0].size // 8):
            c.mem.read(c.offset() + 8 * j, 8)
    sem_int(c, *INT_ROWS['vpminuq'])


def _int_op(es, op):
    return lambda c: sem_int(c, es, op)


# ---- deliberately broken models (group cmp) -----------------------------

def _cmp_op(mn, op):
    """mn's compare op (a, b, n, imm) replaced by op."""
    return lambda c: sem_cmp(c, CMP_ROWS[mn][0], op)


def _cmp_after(mn, how):
    """mn, then its destination k changed by how(result, old value of the
    destination, writemask, KL bits)."""
    def sem(c):
        sem_cmp(c, *CMP_ROWS[mn])
        dst, src1 = c.i.ops[:2]
        ones = (1 << (src1.size // CMP_ROWS[mn][0])) - 1
        kmask = ONES64 if c.i.mask is None else c.st.k[c.i.mask]
        c.out.k[dst.n] = how(c.out.k[dst.n], c.st.k[dst.n], kmask,
                             ones) & ONES64
    return sem


def _cmp_reads(mn):
    """mn reads every element of its memory operand, the {1toN} element
    included, whatever the mask."""
    def sem(c):
        src, es = c.i.ops[2], CMP_ROWS[mn][0]
        if src.kind == 'm':
            n = 1 if src.bcst else c.i.ops[1].size // es
            for j in range(n):
                c.mem.read(c.offset() + es * j, es)
        sem_cmp(c, *CMP_ROWS[mn])
    return sem


def _mut_unmasked(c):
    """VPCMPQ with the writemask ignored."""
    c.i = dataclasses.replace(c.i, mask=None)
    sem_cmp(c, *CMP_ROWS['vpcmpq'])


def _pred(base, remap):
    """base (vpcmp or vpcmpu) with the predicate remapped."""
    return lambda a, b, n, imm: CMP_OPS[base](a, b, n, remap(imm & 7))


# ---- deliberately broken models (group shuf) ----------------------------

def _write_tmp(c, es, tmp):
    """Write the active elements of tmp to the destination."""
    dst = c.i.ops[0]
    nelem = dst.size // es
    act = c.active(nelem)
    c.vwrite(dst, es, [elem(tmp, es, j) if act[j] else None
                       for j in range(nelem)], act)


def _mut_pshufd_lane0(c):
    """VPSHUFD takes every lane's dwords from lane 0."""
    dst, src, imm = c.i.ops
    s = c.whole(src, 4, dst.size)
    _write_tmp(c, 4, sum(elem(s, 4, imm.n >> (2 * (j % 4)) & 3) << (32 * j)
                         for j in range(dst.size // 4)))


def _mut_pshufd_suppresses(c):
    """VPSHUFD suppresses the faults of masked-off elements (class E4,
    not E4NF): they are not read."""
    dst, src, _ = c.i.ops
    if src.kind == 'm':
        n = dst.size // 4
        v = c.velems(src, 4, n, c.active(n))
        value = sum((x or 0) << (32 * j) for j, x in enumerate(v))
        c.whole = lambda op, es, size: value
    sem_pshufd(c)


def _mut_unpcklqdq_src2_first(c):
    """VPUNPCKLQDQ puts SRC2's qword first."""
    dst, src1, src2 = c.i.ops
    a, b = c.z(src1.n), c.whole(src2, 8, dst.size)
    _write_tmp(c, 8, sum((b >> (128 * i) & ONES64 |
                          (a >> (128 * i) & ONES64) << 64) << (128 * i)
                         for i in range(dst.size // 16)))


def _mut_ternlog_index(c):
    """VPTERNLOGD indexes the table with SRC2 << 2 | SRC1 << 1 | DEST."""
    ops = c.i.ops
    imm = ops[3].n
    moved = sum((imm >> i & 1) << ((i & 1) << 2 | i & 2 | i >> 2)
                for i in range(8))
    c.i = dataclasses.replace(c.i, ops=ops[:3] + (Op('i', moved),))
    sem_ternlog(c, 4)


def _mut_ternlog_merge_src1(c):
    """VPTERNLOGQ merge-masking keeps SRC1's elements, as a blend would."""
    sem_ternlog(c, 8)
    dst, src1 = c.i.ops[:2]
    if c.i.mask is not None and not c.i.zero and dst.n in c.out.z:
        nelem = dst.size // 8
        keep = lanes(nelem, 8, [not a for a in c.active(nelem)])
        c.out.z[dst.n] = c.out.z[dst.n] & ~keep | c.z(src1.n) & keep


def _mut_pmov_reads_masked_off(c):
    """VPMOVZXDQ reads the masked-off elements of memory (no fault
    suppression)."""
    dst, src = c.i.ops
    if src.kind == 'm':
        c.mem.read(c.offset(), dst.size // 2)
    sem_pmov(c, 4, 8, False)


def _mut_align_no_modulo(c):
    """VALIGND counts imm8[3:0] elements at every length."""
    dst, src1, src2, imm = c.i.ops
    vl = dst.size
    tmp = (c.z(src1.n) & vlmask(vl)) << (8 * vl) | c.whole(src2, 4, vl)
    _write_tmp(c, 4, tmp >> (32 * (imm.n & 15)))


def _mut_align_swapped(c):
    """VALIGNQ shifts SRC2:SRC1 (SRC2 the upper half)."""
    dst, src1, src2, imm = c.i.ops
    vl = dst.size
    tmp = c.whole(src2, 8, vl) << (8 * vl) | (c.z(src1.n) & vlmask(vl))
    _write_tmp(c, 8, tmp >> (64 * (imm.n & (vl // 8 - 1))))


def _mut_shufi_src1_only(c):
    """VSHUFI32X4 takes the upper lanes from SRC1 too."""
    dst, src1, _, imm = c.i.ops
    c.i = dataclasses.replace(c.i, ops=(dst, src1, src1, imm))
    sem_shufi(c, 4)


# ---- deliberately broken models (group shift) ---------------------------

def _shift_op(mn, op=None, es=None):
    """mn's semantics with another element operation or element size."""
    row = SHIFT_ROWS[mn]
    return lambda c: sem_shift(c, es or row[0], op or row[1], row[2])


def _with_count(c, count):
    """c with its third operand replaced by a register of our own that
    holds count (a 128-bit value)."""
    ops = c.i.ops
    c.st = dataclasses.replace(c.st, z=dict(c.st.z))
    c.st.z[99] = count
    c.i = dataclasses.replace(c.i, ops=(ops[0], ops[1],
                                        Op('v', 99, ops[0].size)))
    return c


def _count_forms(mn, count):
    """mn's xmm/m128 forms shift by count(bits 127:0 of the register or
    the m128 operand); its immediate forms are right."""
    row = SHIFT_ROWS[mn]

    def sem(c):
        ops = c.i.ops
        if ops[-1].kind == 'v':
            x = c.z(ops[2].n) & ((1 << 128) - 1)
            _with_count(c, count(x))
        elif ops[-1].kind == 'm':
            _with_count(c, count(c.mem.read(c.offset(), 16)))
        sem_shift(c, *row)
    return sem


def _mut_count_m128_suppressed(c):
    """VPSRAD reads its m128 count only if an element is active."""
    dst = c.i.ops[0]
    n = dst.size // 4
    if c.i.ops[-1].kind == 'm' and not any(c.active(n)):
        c.vwrite(dst, 4, [None] * n, [False] * n)
        return
    sem_shift(c, *SHIFT_ROWS['vpsrad'])


def _mut_count_8_bytes(c):
    """VPSLLD reads 8 bytes of its m128 count."""
    read = c.mem.read
    c.mem.read = lambda off, n: read(off, min(n, 8))
    sem_shift(c, *SHIFT_ROWS['vpslld'])


def _mut_imm_masked_off_read(c):
    """VPSLLQ $imm reads the masked-off elements of its memory source."""
    src = c.i.ops[1]
    if src.kind == 'm' and not src.bcst:
        for j in range(c.i.ops[0].size // 8):
            c.mem.read(c.offset() + 8 * j, 8)
    sem_shift(c, *SHIFT_ROWS['vpsllq'])


def _mut_bcst_always_read_shift(c):
    """VPSRAVD reads its {1toN} count with every element masked off."""
    if c.i.ops[-1].kind == 'm' and c.i.ops[-1].bcst:
        c.mem.read(c.offset(), 4)
    sem_shift(c, *SHIFT_ROWS['vpsravd'])


def _mut_var_first_count(c):
    """VPSRLVQ shifts every element by the count of element 0 (register
    counts)."""
    ops = c.i.ops
    if ops[2].kind == 'v':
        x = c.z(ops[2].n) & ONES64
        _with_count(c, sum(x << (64 * j) for j in range(8)))
    sem_shift(c, *SHIFT_ROWS['vpsrlvq'])


def _mut_var_swapped(c):
    """VPSRLVD shifts the counts by the data (register sources)."""
    ops = c.i.ops
    if ops[2].kind == 'v':
        c.i = dataclasses.replace(c.i, ops=(ops[0], ops[2], ops[1]))
    sem_shift(c, *SHIFT_ROWS['vpsrlvd'])


def _mut_keep_upper_shift(c):
    """VPSLLVQ leaves the destination's bits from VL up as they were."""
    sem_shift(c, *SHIFT_ROWS['vpsllvq'])
    dst = c.i.ops[0]
    c.out.z[dst.n] |= c.z(dst.n) & ~((1 << (8 * dst.size)) - 1)


def _mut_zero_merges_shift(c):
    """VPROLQ {z} merges."""
    c.i = dataclasses.replace(c.i, zero=False)
    sem_shift(c, *SHIFT_ROWS['vprolq'])


# ---- deliberately broken models (group perm) ----------------------------

def _perm_as(**change):
    """The row run as another instruction: its Insn with the fields of
    change replaced (each a function of the Insn)."""
    def sem(c):
        new = {k: f(c.i) for k, f in change.items()}
        c.i = dataclasses.replace(c.i, **new)
        sem_perm(c)
    return sem


def _perm_index(how):
    """The row with each element of its index register (SRC1) changed by
    how(element, KL) first (the imm8 forms as they are)."""
    def sem(c):
        ops = c.i.ops
        if ops[-1].kind != 'i':
            es = PERM_ROWS[c.i.mn][0]
            kl, v = ops[0].size // es, c.z(ops[1].n)
            new = sum(how(elem(v, es, j), kl) << (8 * es * j)
                      for j in range(64 // es))
            c.st = dataclasses.replace(c.st, z={**c.st.z, ops[1].n: new})
        sem_perm(c)
    return sem


def _mut_merge_src1(c):
    """Merging keeps SRC1's element instead of the destination's."""
    sem_perm(c)
    dst, src1 = c.i.ops[:2]
    if c.i.mask is None or c.i.zero:
        return
    es = PERM_ROWS[c.i.mn][0]
    act = c.active(dst.size // es)
    on = lanes(dst.size // es, es, act)
    off = lanes(dst.size // es, es, [not a for a in act])
    c.out.z[dst.n] = c.out.z[dst.n] & on | c.z(src1.n) & off


def _mut_vpermps_suppress(c):
    """VPERMPS reads its memory table only when an element is active."""
    dst = c.i.ops[0]
    kl = dst.size // 4
    if c.i.ops[2].kind == 'm' and not any(c.active(kl)):
        c.vwrite(dst, 4, [None] * kl, [False] * kl)
        return
    sem_perm(c)


def _mut_vpermpd_imm_whole(c):
    """VPERMPD imm8 selects from the low 256 bits at 512 bits too."""
    ops = c.i.ops
    if ops[-1].kind != 'i':
        return sem_perm(c)
    kl = ops[0].size // 8
    act = c.active(kl)
    src = perm_fetch(c, ops[1], 8, kl)
    vals = [src[ops[-1].n >> 2 * (j & 3) & 3] for j in range(kl)]
    c.vwrite(ops[0], 8, [v if a else None for v, a in zip(vals, act)], act)
    return None


def _mut_permil_var(pick):
    """VPERMILPS/PD with a control vector: element j := the data element
    pick(control element, j, elements per lane) of the whole vector."""
    def sem(c):
        ops = c.i.ops
        if ops[-1].kind == 'i':
            return sem_perm(c)
        es = PERM_ROWS[c.i.mn][0]
        kl = ops[0].size // es
        act = c.active(kl)
        src = perm_fetch(c, ops[1], es, kl)
        ctl = perm_fetch(c, ops[2], es, kl)
        vals = [src[pick(x, j, 16 // es)] for j, x in enumerate(ctl)]
        c.vwrite(ops[0], es, [v if a else None for v, a in zip(vals, act)],
                 act)
        return None
    return sem


def _mut_imm(fix, kind='i'):
    """The imm8 forms with the imm8 changed by fix (the others as they
    are)."""
    def ops(i):
        if i.ops[-1].kind != kind:
            return i.ops
        return i.ops[:-1] + (Op('i', fix(i.ops[-1].n)),)
    return _perm_as(ops=ops)


def _mut_insert_dwords(c):
    """VINSERTF64X4 masks per dword."""
    dst = c.i.ops[0]
    vals = insert_elems(c, 4, c.i.ops[-1].n)
    act = c.active(dst.size // 4)
    c.vwrite(dst, 4, [v if a else None for v, a in zip(vals, act)], act)


def _mut_insert_suppress(c):
    """VINSERTF32X4 reads its memory block only when an element is
    active."""
    dst = c.i.ops[0]
    kl = dst.size // 4
    if c.i.ops[2].kind == 'm' and not any(c.active(kl)):
        c.vwrite(dst, 4, [None] * kl, [False] * kl)
        return
    sem_perm(c)


def _mut_extract_keeps_upper(c):
    """VEXTRACTI64X4 to a register keeps the destination's bits 511:256."""
    sem_perm(c)
    dst = c.i.ops[0]
    if dst.kind == 'v':
        c.out.z[dst.n] |= c.z(dst.n) & ~((1 << 256) - 1)


def _mut_extract_store_unmasked(c):
    """VEXTRACTF32X4 stores the masked-off elements too."""
    if c.i.ops[0].kind == 'm':
        c.i = dataclasses.replace(c.i, mask=None)
    sem_perm(c)


def _mut_extract_store_suppress(c):
    """VEXTRACTI32X4 stores suppress the faults of masked-off elements."""
    global EXTRACT_STORE_NF
    EXTRACT_STORE_NF = False
    try:
        sem_perm(c)
    finally:
        EXTRACT_STORE_NF = True


def _mut_unpacked(c):
    """VCOMPRESSPS moves the active elements in place (no packing), to a
    register or memory."""
    dst, src = c.i.ops
    kl = src.size // 4
    act = c.active(kl)
    v = c.z(src.n)
    if dst.kind == 'm':
        for j in range(kl):
            if act[j]:
                c.mem.write(c.offset() + 4 * j, 4, elem(v, 4, j))
        return
    c.vwrite(dst, 4, [elem(v, 4, j) if act[j] else None
                      for j in range(kl)], act)


def _mut_compress_whole_store(c):
    """VCOMPRESSPD to memory writes the whole vector (zeros after the
    packed elements)."""
    sem_perm(c)
    dst, src = c.i.ops
    if dst.kind == 'm':
        off, n = c.offset(), sum(c.active(src.size // 8))
        for j in range(n, src.size // 8):
            c.mem.write(off + 8 * j, 8, 0)


def _mut_expand_in_place(c):
    """VPEXPANDD takes SRC's element j (a masked move)."""
    dst, src = c.i.ops
    kl = dst.size // 4
    act = c.active(kl)
    vals = c.velems(src, 4, kl, act)
    c.vwrite(dst, 4, [v if a else None for v, a in zip(vals, act)], act)


def _mut_expand_reads_all(c):
    """VEXPANDPS reads the whole memory operand."""
    dst, src = c.i.ops
    if src.kind == 'm':
        c.mem.read(c.offset(), dst.size)
    sem_perm(c)


# ---- deliberately broken models (group trunc) ---------------------------

def _down(mn, conv):
    """mn's conversion of an element replaced by conv(v, ses, des)."""
    return lambda c: sem_down(c, *DOWN_ROWS[mn][:2], conv)


def _down_keep_upper(c):
    """VPMOVQD to a register keeps the destination's bits above the
    result."""
    sem_down(c, *DOWN_ROWS['vpmovqd'])
    dst, src = c.i.ops
    if dst.kind == 'v':
        c.out.z[dst.n] |= c.z(dst.n) & ~((1 << (4 * src.size)) - 1)


def _down_zero_merges(c):
    """VPMOVDB {z} merges."""
    c.i = dataclasses.replace(c.i, zero=False)
    sem_down(c, *DOWN_ROWS['vpmovdb'])


def _down_store_all(c):
    """VPMOVQB to memory writes the masked-off elements as well."""
    if c.i.ops[0].kind == 'm':
        c.i = dataclasses.replace(c.i, mask=None)
    sem_down(c, *DOWN_ROWS['vpmovqb'])


def _down_store_faults(c):
    """VPMOVUSQW to memory faults on a masked-off element (no fault
    suppression)."""
    dst, src = c.i.ops
    if dst.kind == 'm':
        off = c.offset()
        if off < 0 or off + src.size // 4 > PAGE:
            raise Fault('PF')
    sem_down(c, *DOWN_ROWS['vpmovusqw'])


def _dup_suppresses(c):
    """VMOVSLDUP suppresses the faults of masked-off elements (E4, not
    E4NF): it reads the active elements only."""
    dst, src = c.i.ops
    if src.kind == 'v':
        return sem_dup(c, *DUP_ROWS['vmovsldup'])
    n, off = dst.size // 4, c.offset()
    act = c.active(n)
    for j in range(n):
        if act[j]:
            c.mem.read(off + 4 * j, 4)
    v = sum(c.mem.read(off + 4 * i, 4) << (32 * i) for i in range(n)
            if 0 <= off + 4 * i <= PAGE - 4)
    c.vwrite(dst, 4, [elem(v, 4, j & ~1) if act[j] else None
                      for j in range(n)], act)


def _half_keep_upper(c):
    """VMOVHPD (load) keeps the destination's bits from 128 up."""
    sem_half(c)
    dst = c.i.ops[0]
    if dst.kind == 'v':
        c.out.z[dst.n] |= c.z(dst.n) & ~((1 << 128) - 1)


def _mut_pextrb_imm(c):
    dst, src, imm = c.i.ops
    v = elem(c.z(src.n), 1, imm.n & 63)
    if dst.kind == 'm':
        c.mem.write(c.offset(), 1, v)
    else:
        c.out.gpr[dst.n] = v


def _extract_imm21(c):
    """VEXTRACTPS selects the dword with imm8[2:1]."""
    dst, src, imm = c.i.ops
    c.i = dataclasses.replace(c.i, ops=(dst, src, Op('i', imm.n >> 1)))
    sem_extractps(c)


def _extract_keeps_high(c):
    """VEXTRACTPS to a GPR leaves its bits 63:32 as they were."""
    sem_extractps(c)
    dst = c.i.ops[0]
    if dst.kind == 'g':
        c.out.gpr[dst.n] |= c.st.gpr[dst.n] & ~0xffffffff & ONES64


def _insert_zmask_first(c):
    """VINSERTPS clears the ZMASK dwords of SRC1, then inserts (the
    inserted dword survives its ZMASK bit)."""
    dst, src1, src2, imm = c.i.ops
    sem_insertps(c)
    cd = imm.n >> 4 & 3
    tmp = c.mem.read(c.offset(), 4) if src2.kind == 'm' else \
        elem(c.z(src2.n), 4, imm.n >> 6 & 3)
    c.out.z[dst.n] = c.out.z[dst.n] & ~(0xffffffff << (32 * cd)) | \
        tmp << (32 * cd)


def _insert_count_d_twice(c):
    """VINSERTPS takes COUNT_S from imm8[5:4] as well."""
    dst, src1, src2, imm = c.i.ops
    c.i = dataclasses.replace(c.i, ops=(dst, src1, src2, Op(
        'i', imm.n & 0x3f | (imm.n & 0x30) << 2)))
    sem_insertps(c)


def _insert_keep_upper(c):
    """VINSERTPS keeps the destination's bits from 128 up."""
    sem_insertps(c)
    dst = c.i.ops[0]
    c.out.z[dst.n] |= c.z(dst.n) & ~((1 << 128) - 1)


TRUNC_MUTANTS = [
    ('VPMOVSQB saturates unsigned', 'vpmovsqb', _down(
        'vpmovsqb', saturate_unsigned)),
    ('VPMOVUSWB saturates signed', 'vpmovuswb',
     _down('vpmovuswb', saturate_signed)),
    ('VPMOVSDB saturates to -127', 'vpmovsdb', _down(
        'vpmovsdb', lambda v, ses, des: max(-127, min(sx(v, 32), 127))
        & 0xff)),
    ('VPMOVUSDW clamps the signed value to [0, MAX]', 'vpmovusdw', _down(
        'vpmovusdw', lambda v, ses, des: max(0, min(sx(v, 32), 0xffff)))),
    ('VPMOVUSQD truncates', 'vpmovusqd', _down('vpmovusqd', truncate)),
    ('VPMOVQW keeps the high word', 'vpmovqw', _down(
        'vpmovqw', lambda v, ses, des: v >> 48)),
    ('VPMOVQD keeps the bits above the result', 'vpmovqd',
     _down_keep_upper),
    ('VPMOVDB zero-masking merges', 'vpmovdb', _down_zero_merges),
    ('VPMOVQB stores the masked-off elements', 'vpmovqb', _down_store_all),
    ('VPMOVUSQW stores fault on masked-off elements', 'vpmovusqw',
     _down_store_faults),
    ('VMOVSHDUP duplicates the even dwords', 'vmovshdup',
     lambda c: sem_dup(c, 4, DUP_ROWS['vmovsldup'][1])),
    ('VMOVDDUP duplicates qword 0 into every lane', 'vmovddup',
     lambda c: sem_dup(c, 8, lambda j: 0)),
    ('VMOVSLDUP suppresses faults (E4, not E4NF)', 'vmovsldup',
     _dup_suppresses),
    ('VMOVHLPS is VMOVLHPS', 'vmovhlps',
     lambda c: sem_half(c, load=HALF_LOAD['vmovlhps'])),
    ('VMOVLPS stores the high qword', 'vmovlps',
     lambda c: sem_half(c, store=1)),
    ('VMOVHPS loads into the low qword', 'vmovhps',
     lambda c: sem_half(c, load=HALF_LOAD['vmovlps'])),
    ('VMOVHPD keeps the bits from 128 up', 'vmovhpd', _half_keep_upper),
    ('VEXTRACTPS selects with imm8[2:1]', 'vextractps', _extract_imm21),
    ('VEXTRACTPS keeps bits 63:32 of the GPR', 'vextractps',
     _extract_keeps_high),
    ('VPEXTRB selects with imm8[5:0]', 'vpextrb', _mut_pextrb_imm),
    ('VPINSRD keeps bits 255:128', 'vpinsrd',
     lambda c: (sem_pinsr_pextr(c), c.out.z.__setitem__(
         c.i.ops[0].n, c.out.z[c.i.ops[0].n] |
         c.z(c.i.ops[1].n) >> 128 << 128))),
    ('VINSERTPS applies ZMASK before inserting', 'vinsertps',
     _insert_zmask_first),
    ('VINSERTPS takes COUNT_S from imm8[5:4]', 'vinsertps',
     _insert_count_d_twice),
    ('VINSERTPS keeps the bits from 128 up', 'vinsertps',
     _insert_keep_upper),
]


# ---- deliberately broken models (group fp) ------------------------------

def _fp_patched(mn, name, make):
    """mn with the group fp helper called name replaced, while mn runs,
    by make(the original)."""
    def sem(c):
        g = globals()
        orig = g[name]
        g[name] = make(orig)
        try:
            sem_fp(c, *FP_ROWS[mn])
        finally:
            g[name] = orig
    return sem


def _fp_op(mn, **change):
    """mn computed as the row of FP_ROWS with fields changed (op,
    order)."""
    f, scalar, kind, op, order = FP_ROWS[mn]
    op, order = change.get('op', op), change.get('order', order)
    return lambda c: sem_fp(c, f, scalar, kind, op, order)


def _mut_ties_away(orig):
    def rint(m, shift, sticky, rc, s):
        if rc == RN and shift > 0 and not sticky and \
                m & ((1 << shift) - 1) == 1 << (shift - 1):
            return (m >> shift) + 1, True
        return orig(m, shift, sticky, rc, s)
    return rint


def _mut_zero_minus(orig):
    def fsum(f, terms, rc, ftz):
        bits, fl = orig(f, terms, rc, ftz)
        nonzero = [t for t in terms if t[1]]
        return (bits | f.sign if len(nonzero) == 2 and not bits & ~f.sign
                and not fl else bits), fl
    return fsum


def _mut_tiny_before(orig):
    """Tininess detected before rounding (what QEMU's softfloat does for
    FTZ, float_ftz_before_rounding)."""
    def rnd(f, s, m, e, sticky, rc, ftz):
        if e + m.bit_length() - 1 < f.emin:
            if ftz:
                return f.sign if s else 0, MX_UE | MX_PE
            bits, fl = orig(f, s, m, e, sticky, rc, False)
            return bits, fl | (MX_UE | MX_PE if fl & MX_PE else 0)
        return orig(f, s, m, e, sticky, rc, ftz)
    return rnd


def _mut_exact_ue(orig):
    def rnd(f, s, m, e, sticky, rc, ftz):
        bits, fl = orig(f, s, m, e, sticky, rc, ftz)
        if bits & ~f.sign and not bits & f.expo:
            fl |= MX_UE
        return bits, fl
    return rnd


def _mut_no_sticky(orig):
    def rnd(f, s, m, e, sticky, rc, ftz):
        return orig(f, s, m, e, False, rc, ftz)
    return rnd


def _mut_arith(how):
    """fp_arith's result (bits, flags) changed by how(f, op, raws, bits,
    flags, again), again(op, raws) being the original fp_arith in the same
    environment."""
    def make(orig):
        def arith(f, op, raws, rc, daz, ftz):
            bits, fl = orig(f, op, raws, rc, daz, ftz)
            return how(f, op, raws, bits, fl, lambda o, r=raws:
                       orig(f, o, r, rc, daz, ftz))
        return arith
    return make


def _mut_env(which):
    """fp_env's (rounding, suppress, daz, ftz) with which changed."""
    def make(orig):
        def env(c):
            rc, sae, daz, ftz = orig(c)
            mx = c.st.mxcsr
            return {'daz': (rc, sae, False, ftz), 'ftz': (rc, sae, daz, False),
                    'rc': (mx >> MX_RC_SHIFT & 3, sae, daz, ftz),
                    'flags': (rc, False, daz, ftz)}[which]
        return env
    return make


def _mut_minmax(how):
    def make(orig):
        def minmax(f, op, raws, daz):
            return how(f, raws, orig(f, op, raws, daz), daz)
        return minmax
    return make


def _mut_nan_src1(f, raws, res, daz):
    nan = [fp_decode(f, r, daz)[0] >= QNAN for r in raws]
    return (raws[0], res[1]) if nan[0] or nan[1] else res


def _mut_zeros_src1(f, raws, res, daz):
    zero = [fp_decode(f, r, daz)[0] == ZERO for r in raws]
    return (raws[0], res[1]) if all(zero) else res


def _mut_quiet_src2(f, raws, res, daz):
    return (res[0] | f.quiet if fp_decode(f, res[0], daz)[0] == SNAN
            else res[0], res[1])


def _mut_minmax_no_daz(orig):
    return lambda f, op, raws, daz: orig(f, op, raws, False)


def _mut_fpclass_negzero(c):
    """VFPCLASS whose imm8[6] (negative finite) also matches -0."""
    g = globals()
    orig = g['fp_class_bits']

    def patched(f, raw, daz):
        b = orig(f, raw, daz)
        return b | 0x40 if b == 0x04 else b
    g['fp_class_bits'] = patched
    try:
        sem_fpclass(c)
    finally:
        g['fp_class_bits'] = orig


def _mut_special(op, change_imm):
    """sem_special with imm8 changed for op."""
    def sem(c):
        g = globals()
        orig = g['fp_special']

        def patched(f, o, raws, imm, rc, daz, ftz):
            return orig(f, o, raws, change_imm(imm) if o == op else imm, rc,
                        daz, ftz)
        g['fp_special'] = patched
        try:
            sem_special(c)
        finally:
            g['fp_special'] = orig
    return sem


def _mut_scalef_trunc(c):
    g = globals()
    orig = g['fp_special']

    def patched(f, op, raws, imm, rc, daz, ftz):
        cb, sb, mb, eb = fp_decode(f, raws[1], daz)
        if cb == FIN and sb and eb < 0 and mb & ((1 << -eb) - 1):
            # round SRC2 toward zero instead of down: one more
            raws = [raws[0], raws[1]]
            bits, fl = orig(f, op, raws, imm, rc, daz, ftz)
            ca, sa, ma, ea = fp_decode(f, bits, False)
            if ca == FIN:
                return fp_round(f, sa, ma, ea + 1, False, rc, ftz)[0], fl
            return bits, fl
        return orig(f, op, raws, imm, rc, daz, ftz)
    g['fp_special'] = patched
    try:
        sem_special(c)
    finally:
        g['fp_special'] = orig


def _mut_getexp_zero(c):
    g = globals()
    orig = g['fp_special']

    def patched(f, op, raws, imm, rc, daz, ftz):
        bits, fl = orig(f, op, raws, imm, rc, daz, ftz)
        return (f.expo, fl) if bits == f.sign | f.expo else (bits, fl)
    g['fp_special'] = patched
    try:
        sem_special(c)
    finally:
        g['fp_special'] = orig


def _mut_pd2ps_keep(c):
    sem_pcvt(c)
    dst = [o for o in c.i.ops if o.kind == 'v'][0]
    keep = ((1 << 256) - 1) & ~((1 << 128) - 1)
    if dst.n in c.out.z and dst.size == 32:
        c.out.z[dst.n] |= c.z(dst.n) & keep


def _fp_patched_pcvt(mn):
    """mn with f2f leaving a signalling NaN unquieted."""
    def sem(c):
        g = globals()
        orig = g['f2f']

        def unquiet(fs, fd, raw, rc, daz, ftz):
            bits, fl = orig(fs, fd, raw, rc, daz, ftz)
            if fl & MX_IE:
                bits &= ~fd.quiet
            return bits, fl
        g['f2f'] = unquiet
        try:
            sem_pcvt(c)
        finally:
            g['f2f'] = orig
    return sem


def _mut_cmp(how):
    def make(orig):
        def cmp(f, imm, raws, daz):
            return how(f, imm, raws, daz, orig)
        return cmp
    return make


def _mut_quiet_never(f, imm, raws, daz, orig):
    res, fl = orig(f, imm, raws, daz)
    if fl & MX_IE and not any(fp_decode(f, r, daz)[0] == SNAN
                              for r in raws):
        fl &= ~MX_IE
    return res, fl


def _mut_cmp_keep_high(c):
    sem_fp(c, *FP_ROWS['vcmpss'])
    dst = c.i.ops[0]
    c.out.k[dst.n] |= c.st.k[dst.n] & ~1


def _mut_sqrtsd_dest(c):
    sem_fp(c, *FP_ROWS['vsqrtsd'])
    dst = c.i.ops[0]
    keep = ((1 << 128) - 1) & ~ONES64
    c.out.z[dst.n] = c.out.z[dst.n] & ~keep | c.z(dst.n) & keep


def _mut_fma_ss_src2(c):
    sem_fp(c, *FP_ROWS['vfmadd213ss'])
    dst, src2 = c.i.ops[:2]
    keep = ((1 << 128) - 1) & ~0xffffffff
    c.out.z[dst.n] = c.out.z[dst.n] & ~keep | c.z(src2.n) & keep


def _mut_fma_rounded_product(f, op, raws, bits, fl, again):
    del f, op, bits, fl
    prod, pfl = again('mul', raws[:2])
    bits, fl = again('add', [prod, raws[2]])
    return bits, fl | pfl


def _mut_nan_z_first(orig):
    def nan(f, raws, vals):
        return orig(f, raws[::-1], vals[::-1]) if len(raws) == 3 else \
            orig(f, raws, vals)
    return nan


# group fp (after the others in MUTANTS, so that theirs see the same
# random cases as before group fp)
FP_MUTANTS = [
    ('VADDPS rounds ties away from zero', 'vaddps',
     _fp_patched('vaddps', '_rint', _mut_ties_away)),
    ('VSUBPD gives -0 for an exact zero difference', 'vsubpd',
     _fp_patched('vsubpd', '_fp_sum', _mut_zero_minus)),
    ('VMULPS detects tininess before rounding', 'vmulps',
     _fp_patched('vmulps', 'fp_round', _mut_tiny_before)),
    ('VMULPD sets UE for an exact denormal result', 'vmulpd',
     _fp_patched('vmulpd', 'fp_round', _mut_exact_ue)),
    ('VDIVPS truncates the quotient before rounding', 'vdivps',
     _fp_patched('vdivps', 'fp_round', _mut_no_sticky)),
    ('VDIVSS divides SRC2 by SRC1', 'vdivss',
     _fp_patched('vdivss', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: again(op, r[::-1])))),
    ('VDIVPD signals IE, not ZE, for x / 0', 'vdivpd',
     _fp_patched('vdivpd', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (b, fl & ~MX_ZE | MX_IE)
         if fl & MX_ZE else (b, fl)))),
    ('VDIVPS overflows to infinity under RZ', 'vdivps',
     _fp_patched('vdivps', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (b & f.sign | f.expo, fl)
         if fl & MX_OE else (b, fl)))),
    ('VSQRTPS of -0 is +0', 'vsqrtps',
     _fp_patched('vsqrtps', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (0, fl) if b == f.sign else
         (b, fl)))),
    ('VSQRTPD: the default NaN is positive', 'vsqrtpd',
     _fp_patched('vsqrtpd', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (b & ~f.sign, fl)
         if b == f.indefinite else (b, fl)))),
    ('VSUBPD leaves an SNaN operand unquieted', 'vsubpd',
     _fp_patched('vsubpd', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (b & ~f.quiet, fl)
         if fl & MX_IE and b & f.expo == f.expo and
         (b & ~f.quiet) in r else (b, fl)))),
    ('VSQRTSD takes bits 127:64 from the destination', 'vsqrtsd',
     _mut_sqrtsd_dest),
    ('VMINPS gives SRC1 when a source is a NaN', 'vminps',
     _fp_patched('vminps', 'fp_minmax', _mut_minmax(_mut_nan_src1))),
    ('VMAXPD gives SRC1 for two zeros', 'vmaxpd',
     _fp_patched('vmaxpd', 'fp_minmax', _mut_minmax(_mut_zeros_src1))),
    ('VMINPD quiets a signalling SRC2', 'vminpd',
     _fp_patched('vminpd', 'fp_minmax', _mut_minmax(_mut_quiet_src2))),
    ('VMAXPS ignores DAZ', 'vmaxps',
     _fp_patched('vmaxps', 'fp_minmax', _mut_minmax_no_daz)),
    ('VADDPD ignores DAZ', 'vaddpd',
     _fp_patched('vaddpd', 'fp_env', _mut_env('daz'))),
    ('VMULPD ignores FTZ', 'vmulpd',
     _fp_patched('vmulpd', 'fp_env', _mut_env('ftz'))),
    ('VADDPD rounds by MXCSR.RC under {er}', 'vaddpd',
     _fp_patched('vaddpd', 'fp_env', _mut_env('rc'))),
    ('VSUBPS sets flags under {er}', 'vsubps',
     _fp_patched('vsubps', 'fp_env', _mut_env('flags'))),
    ('VCMPPD sets flags under {sae}', 'vcmppd',
     _fp_patched('vcmppd', 'fp_env', _mut_env('flags'))),
    ('VCMPPS: a QNaN never signals', 'vcmpps',
     _fp_patched('vcmpps', 'fp_compare', _mut_cmp(_mut_quiet_never))),
    ('VCMPPD ignores imm8[3]', 'vcmppd',
     _fp_patched('vcmppd', 'fp_compare', _mut_cmp(
         lambda f, imm, raws, daz, orig: orig(f, imm & ~8, raws, daz)))),
    ('VCMPSS keeps bits 63:1 of the destination', 'vcmpss',
     _mut_cmp_keep_high),
    ('VFMADD213PS rounds the product first', 'vfmadd213ps',
     _fp_patched('vfmadd213ps', 'fp_arith',
                 _mut_arith(_mut_fma_rounded_product))),
    ('VFMADD231PD takes z\'s NaN first', 'vfmadd231pd',
     _fp_patched('vfmadd231pd', '_fp_nan', _mut_nan_z_first)),
    ('VFMSUB213PD negates the product, not z', 'vfmsub213pd',
     _fp_op('vfmsub213pd', op='fnmadd')),
    ('VFNMADD231PS is -(x*y - z) rounded: RU/RD, zeros, NaN signs',
     'vfnmadd231ps', _fp_patched('vfnmadd231ps', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (lambda x: (x[0] ^ f.sign, x[1]))(
             again('fmsub'))))),
    ('VFNMSUB132SD computes in the 213 order', 'vfnmsub132sd',
     _fp_op('vfnmsub132sd', order='213')),
    ('VFMADD213SS takes bits 127:32 from SRC2', 'vfmadd213ss',
     _mut_fma_ss_src2),
    ('VFMADDSUB231PS adds in the even elements', 'vfmaddsub231ps',
     _fp_op('vfmaddsub231ps', op='fmsubadd')),
    ('VFMSUBADD132PD is VFMADD132PD', 'vfmsubadd132pd',
     _fp_op('vfmsubadd132pd', op='fmadd')),
    ('VUCOMISS signals a QNaN', 'vucomiss',
     _fp_op('vucomiss', op='comi')),
    ('VCOMISD sets CF for greater', 'vcomisd',
     _fp_patched('vcomisd', 'fp_comi', lambda orig: lambda f, op, r, daz: (
         lambda x: (x[0] ^ CF if not x[0] & ZF else x[0], x[1]))(
             orig(f, op, r, daz)))),
    ('VCVTSS2USI returns the signed indefinite', 'vcvtss2usi',
     lambda c: sem_cvt(c, (4, 'f2i', False, False))),
    ('VCVTUSI2SD converts a signed integer', 'vcvtusi2sd',
     lambda c: sem_cvt(c, (8, 'i2f', False, False))),
    ('VCVTTSD2SI rounds as MXCSR says', 'vcvttsd2si',
     lambda c: sem_cvt(c, (8, 'f2i', False, False))),
    ('VCVTPD2PS keeps bits 255:128 of DEST', 'vcvtpd2ps',
     _mut_pd2ps_keep),
    ('VCVTTPS2UDQ rounds as MXCSR says', 'vcvttps2udq',
     lambda c: sem_pcvt(c, (4, 4, 'f2i', True, False, False))),
    ('VCVTUDQ2PS converts signed dwords', 'vcvtudq2ps',
     lambda c: sem_pcvt(c, (4, 4, 'i2f', False, False, False))),
    ('VCVTPS2PD does not quiet an SNaN', 'vcvtps2pd',
     _fp_patched_pcvt('vcvtps2pd')),
    ('VRNDSCALEPS ignores imm8[2] (MXCSR.RC)', 'vrndscaleps',
     _mut_special('rndscale', lambda imm: imm & ~4)),
    ('VRNDSCALEPD reports PE under imm8[3]', 'vrndscalepd',
     _mut_special('rndscale', lambda imm: imm & ~8)),
    ('VSCALEFPS truncates SRC2 toward zero', 'vscalefps', _mut_scalef_trunc),
    ('VGETMANTPS ignores imm8[2] (positive sign)', 'vgetmantps',
     _mut_special('getmant', lambda imm: imm & ~4)),
    ('VGETMANTPD puts [1/2,2) on the even exponents', 'vgetmantpd',
     _mut_special('getmant', lambda imm: imm ^ 2 if imm & 3 == 1 else imm)),
    ('VGETEXPPD of a zero is +inf', 'vgetexppd', _mut_getexp_zero),
    ('VRANGEPS: the minimum is the maximum', 'vrangeps',
     _mut_special('range', lambda imm: imm ^ 1)),
    ('VRANGESD keeps the sign whatever imm8[3:2]', 'vrangesd',
     _mut_special('range', lambda imm: imm & 3 | 4)),
    ('VRANGEPD compares signed values for the magnitudes', 'vrangepd',
     _mut_special('range', lambda imm: imm & ~2)),
    ('VREDUCEPS ignores M', 'vreduceps',
     _mut_special('reduce', lambda imm: imm & 0x0f)),
    ('VREDUCESS rounds by MXCSR.RC whatever imm8[2]', 'vreducess',
     _mut_special('reduce', lambda imm: imm | 4)),
    ('VFPCLASSPD: the negative finite bit takes zeros too', 'vfpclasspd',
     _mut_fpclass_negzero),
    ('VFIXUPIMMPS: +1.0 is another positive number', 'vfixupimmps',
     lambda c: sem_fixup(c, _mutant='one')),
    ('VFIXUPIMMPD: the table is the high dword', 'vfixupimmpd',
     lambda c: sem_fixup(c, _mutant='hi')),
    ('VFIXUPIMMSS: MXCSR.DAZ does not make a denormal a zero',
     'vfixupimmss', lambda c: sem_fixup(c, _mutant='daz')),
    ('VFIXUPIMMSD: response 2 is the QNaN indefinite', 'vfixupimmsd',
     lambda c: sem_fixup(c, _mutant='qnan')),
    ('VRCP14PS ignores MXCSR.DAZ', 'vrcp14ps',
     lambda c: sem_rcp14(c, _mutant='daz')),
    ('VRSQRT14PD is VRCP14PD', 'vrsqrt14pd',
     lambda c: sem_rcp14(c, _mutant='rcp')),
    ('VRCP14SS sets PE', 'vrcp14ss', lambda c: sem_rcp14(c, _mutant='pe')),
    ('VCVTPH2PS applies MXCSR.DAZ', 'vcvtph2ps',
     lambda c: sem_f16(c, _mutant='daz')),
    ('VCVTPS2PH flushes tiny results under MXCSR.FTZ', 'vcvtps2ph',
     lambda c: sem_f16(c, _mutant='ftz')),
    ('VCVTPS2PH rounds by MXCSR.RC whatever imm8 says', 'vcvtps2ph',
     lambda c: sem_f16(c, _mutant='imm')),
    ('VFNMSUB231PS: inf * 0 + QNaN signals IE', 'vfnmsub231ps',
     _fp_patched('vfnmsub231ps', 'fp_arith', _mut_arith(
         lambda f, op, r, b, fl, again: (b, fl | MX_IE)
         if any(fp_decode(f, x, False)[0] == INF for x in r[:2]) and
         any(not x & ~f.sign for x in r[:2]) else (b, fl)))),
]

# description, mnemonic, broken semantics
MUTANTS = [
    ('VPMINSD compares unsigned', 'vpminsd', _int_op(4, INT_OPS['vpminu'])),
    ('VPMAXUQ compares signed', 'vpmaxuq', _int_op(8, INT_OPS['vpmaxs'])),
    ('VPMAXSQ is VPMINSQ', 'vpmaxsq', _int_op(8, INT_OPS['vpmins'])),
    ('VPANDND is SRC1 AND NOT SRC2', 'vpandnd',
     _int_op(4, lambda a, b, n: a & ~b)),
    ('VPSUBQ is SRC2 - SRC1', 'vpsubq', _int_op(8, lambda a, b, n: b - a)),
    ('VPADDSB wraps around', 'vpaddsb', _int_op(1, INT_OPS['vpadd'])),
    ('VPSUBUSW saturates as signed', 'vpsubusw',
     _int_op(2, INT_OPS['vpsubs'])),
    ('VPMAXUB compares signed', 'vpmaxub', _int_op(1, INT_OPS['vpmaxs'])),
    ('VPABSD saturates INT_MIN to INT_MAX', 'vpabsd',
     _int_op(4, lambda a, b, n: min(abs(sx(b, n)), (1 << (n - 1)) - 1))),
    ('VPABSQ works on dwords', 'vpabsq', _int_op(4, INT_OPS['vpabs'])),
    ('VPLZCNTD counts the trailing zeros', 'vplzcntd',
     _int_op(4, lambda a, b, n: (b & -b).bit_length() - 1 if b else n)),
    ('VPCONFLICTQ compares with the later elements too', 'vpconflictq',
     lambda c: sem_conflict(c, 8, _mutant='all')),
    ('VPBROADCASTMW2D takes the low byte', 'vpbroadcastmw2d',
     lambda c: (sem_bcstm(c), c.out.z.update({c.i.ops[0].n: c.out.z[
         c.i.ops[0].n] & int('000000ff' * 16, 16)}))),
    ('VPMULLQ keeps the high half', 'vpmullq',
     _int_op(8, lambda a, b, n: sx(a, n) * sx(b, n) >> n)),
    ('VANDNPD is SRC1 AND NOT SRC2', 'vandnpd',
     _int_op(8, lambda a, b, n: a & ~b)),
    ('VPAVGB truncates the average', 'vpavgb',
     _int_op(1, lambda a, b, n: (a + b) >> 1)),
    ('VPMULHW multiplies unsigned', 'vpmulhw', _int_op(2, INT_OPS['vpmulhu'])),
    ('VPMULHRSW truncates', 'vpmulhrsw',
     _int_op(2, lambda a, b, n: sx(a, n) * sx(b, n) >> 15)),
    ('VPMULLD keeps the high half', 'vpmulld',
     _int_op(4, lambda a, b, n: sx(a, n) * sx(b, n) >> n)),
    ('VPMULDQ multiplies unsigned', 'vpmuldq',
     _int_op(8, INT_ROWS['vpmuludq'][1])),
    ('VPMULUDQ takes the high dwords', 'vpmuludq',
     _int_op(8, lambda a, b, n: (a >> 32) * (b >> 32))),
    ('VPMULDQ masks per dword', 'vpmuldq', _mut_muldq_dword_mask),
    ('VPXORQ keeps the bits from VL up', 'vpxorq', _mut_keep_upper),
    ('VPORD zero-masking merges', 'vpord', _mut_zero_merges),
    ('VPSUBD reads {1toN} with no element active', 'vpsubd',
     _mut_bcst_always_read),
    ('VPMINUQ reads masked-off memory elements', 'vpminuq',
     _mut_reads_masked_off),
    # group cmp
    ('VPCMPEQQ compares the low dwords only', 'vpcmpeqq',
     _cmp_op('vpcmpeqq', lambda a, b, n, imm: low32(a) == low32(b))),
    ('VPCMPEQD merges the masked-off bits', 'vpcmpeqd',
     _cmp_after('vpcmpeqd', lambda r, old, m, ones: r | old & ~m & ones)),
    ('VPCMPGTD compares unsigned', 'vpcmpgtd',
     _cmp_op('vpcmpgtd', lambda a, b, n, imm: a > b)),
    ('VPCMPGTQ is SRC1 >= SRC2', 'vpcmpgtq',
     _cmp_op('vpcmpgtq', lambda a, b, n, imm: sx(a, n) >= sx(b, n))),
    ('VPCMPGTQ reads {1toN} with no element active', 'vpcmpgtq',
     _cmp_reads('vpcmpgtq')),
    ('VPCMPD LE is LT', 'vpcmpd',
     _cmp_op('vpcmpd', _pred('vpcmp', lambda p: 1 if p == 2 else p))),
    ('VPCMPD keeps the bits from KL up', 'vpcmpd',
     _cmp_after('vpcmpd', lambda r, old, m, ones: r | old & ~ones)),
    ('VPCMPQ compares SRC2 with SRC1', 'vpcmpq',
     _cmp_op('vpcmpq', lambda a, b, n, imm: CMP_OPS['vpcmp'](b, a, n,
                                                             imm))),
    ('VPCMPQ ignores the writemask', 'vpcmpq', _mut_unmasked),
    ('VPMOVM2W sets elements of clear bits', 'vpmovm2w',
     lambda c: (sem_movm(c), c.out.z.update({c.i.ops[0].n: c.out.z[
         c.i.ops[0].n] ^ ((1 << (8 * c.i.ops[0].size)) - 1)}))),
    ('VPMOVD2M takes the low bit of each element', 'vpmovd2m',
     lambda c: c.out.k.update({c.i.ops[0].n: sum(
         (elem(c.z(c.i.ops[1].n), 4, j) & 1) << j
         for j in range(c.i.ops[1].size // 4))})),
    ('VPCMPUB compares signed', 'vpcmpub',
     _cmp_op('vpcmpub', CMP_OPS['vpcmp'])),
    ('VPTESTNMW is VPTESTMW', 'vptestnmw',
     _cmp_op('vptestnmw', CMP_OPS['vptestm'])),
    ('VPCMPUD compares signed', 'vpcmpud', _cmp_op('vpcmpud',
                                                   CMP_OPS['vpcmp'])),
    ('VPCMPUD swaps FALSE and TRUE', 'vpcmpud',
     _cmp_op('vpcmpud', _pred('vpcmpu', lambda p: p ^ 4 if p & 3 == 3
                              else p))),
    ('VPCMPUQ takes the predicate from imm8[1:0]', 'vpcmpuq',
     _cmp_op('vpcmpuq', _pred('vpcmpu', lambda p: p & 3))),
    ('VPCMPUQ reads masked-off memory elements', 'vpcmpuq',
     _cmp_reads('vpcmpuq')),
    ('VPTESTMD tests SRC1 OR SRC2', 'vptestmd',
     _cmp_op('vptestmd', lambda a, b, n, imm: a | b != 0)),
    ('VPTESTMQ tests the low dwords only', 'vptestmq',
     _cmp_op('vptestmq', lambda a, b, n, imm: low32(a & b) != 0)),
    ('VPTESTNMD is VPTESTMD', 'vptestnmd',
     _cmp_op('vptestnmd', CMP_OPS['vptestm'])),
    ('VPTESTNMQ sets the masked-off bits', 'vptestnmq',
     _cmp_after('vptestnmq', lambda r, old, m, ones: r | ~m & ones)),
    # group shuf
    ('VPSHUFD takes every lane from lane 0', 'vpshufd', _mut_pshufd_lane0),
    ('VPMADDUBSW multiplies signed bytes of SRC1', 'vpmaddubsw',
     lambda c: sem_madd(c, _mutant='signed')),
    ('VPACKSSWB saturates unsigned', 'vpacksswb',
     lambda c: sem_pack(c, 1, _mutant='sign')),
    ('VPACKUSDW saturates signed', 'vpackusdw',
     lambda c: sem_pack(c, 2, _mutant='sign')),
    ('VPACKSSDW masks per dword', 'vpackssdw', lambda c: sem_pack(c, 4)),
    ('VPUNPCKHBW interleaves the low halves', 'vpunpckhbw',
     lambda c: sem_unpck(c, 1, False)),
    ('VPUNPCKLWD interleaves bytes', 'vpunpcklwd',
     lambda c: sem_unpck(c, 1, False)),
    ('VPSHUFB ignores bit 7 of the index', 'vpshufb',
     lambda c: sem_pshufb(c, _mutant='bit7')),
    ('VPALIGNR shifts SRC2:SRC1', 'vpalignr',
     lambda c: sem_palignr(c, _mutant='swap')),
    ('VPSRLDQ shifts the whole vector', 'vpsrldq',
     lambda c: sem_bytesh(c, _mutant='whole')),
    ('VDBPSADBW does not shuffle SRC2', 'vdbpsadbw',
     lambda c: sem_dbpsadbw(c, _mutant='noimm')),
    ('VAESENC leaves out MixColumns', 'vaesenc',
     lambda c: sem_aes(c, _mutant='nomix')),
    ('VAESDEC shifts the rows left', 'vaesdec',
     lambda c: sem_aes(c, _mutant='rows')),
    ('VPMOVSXBW zero-extends', 'vpmovsxbw',
     lambda c: sem_pmov(c, 1, 2, False)),
    ('VPSHUFD suppresses faults (E4, not E4NF)', 'vpshufd',
     _mut_pshufd_suppresses),
    ('VPUNPCKHDQ interleaves the low halves', 'vpunpckhdq',
     lambda c: sem_unpck(c, 4, False)),
    ('VPUNPCKLQDQ puts SRC2 first', 'vpunpcklqdq',
     _mut_unpcklqdq_src2_first),
    ('VPTERNLOGD index is SRC2 << 2 | SRC1 << 1 | DEST', 'vpternlogd',
     _mut_ternlog_index),
    ('VPTERNLOGQ merging keeps SRC1', 'vpternlogq', _mut_ternlog_merge_src1),
    ('VPMOVSXWD zero-extends', 'vpmovsxwd',
     lambda c: sem_pmov(c, 2, 4, False)),
    ('VPMOVZXBQ widens bytes to dwords', 'vpmovzxbq',
     lambda c: sem_pmov(c, 1, 4, False)),
    ('VPMOVZXDQ reads masked-off memory elements', 'vpmovzxdq',
     _mut_pmov_reads_masked_off),
    ('VALIGND count not modulo the element count', 'valignd',
     _mut_align_no_modulo),
    ('VALIGNQ shifts SRC2:SRC1', 'valignq', _mut_align_swapped),
    ('VSHUFI32X4 takes every lane from SRC1', 'vshufi32x4',
     _mut_shufi_src1_only),
    ('VSHUFI64X2 masks per dword', 'vshufi64x2', lambda c: sem_shufi(c, 4)),
    ('VSHUFF64X2 masks per dword', 'vshuff64x2', lambda c: sem_shufi(c, 4)),
    # group shift: immediate counts
    ('VPSLLD keeps the low 5 bits of its count', 'vpslld',
     _shift_op('vpslld', lambda a, c, n: shift_sll(a, c % n, n))),
    ('VPSRAQ shifts in zeros', 'vpsraq', _shift_op('vpsraq', shift_srl)),
    ('VPSRAW shifts in zeros', 'vpsraw', _shift_op('vpsraw', shift_srl)),
    ('VPSLLVW keeps the low 4 bits of its counts', 'vpsllvw',
     _shift_op('vpsllvw', lambda a, c, n: shift_sll(a, c % n, n))),
    ('VPSRAD gives 0 for a count above 31', 'vpsrad',
     _shift_op('vpsrad', lambda a, c, n: 0 if c >= n else
               shift_sra(a, c, n))),
    ('VPSRLD is a left shift', 'vpsrld', _shift_op('vpsrld', shift_sll)),
    ('VPSLLQ $imm reads masked-off memory elements', 'vpsllq',
     _mut_imm_masked_off_read),
    # xmm/m128 counts
    ('VPSRLQ takes the low 8 bits of its xmm/m128 count', 'vpsrlq',
     _count_forms('vpsrlq', lambda x: x & 0xff)),
    ('VPSLLQ takes the low dword of its xmm/m128 count', 'vpsllq',
     _count_forms('vpsllq', lambda x: x & 0xffffffff)),
    ('VPSRLD takes the high qword of its xmm/m128 count', 'vpsrld',
     _count_forms('vpsrld', lambda x: x >> 64)),
    ('VPSRAD suppresses the fault of its m128 count when no element is '
     'active', 'vpsrad', _mut_count_m128_suppressed),
    ('VPSLLD reads 8 bytes of its m128 count', 'vpslld',
     _mut_count_8_bytes),
    ('VPSRAQ works on dwords', 'vpsraq', _shift_op('vpsraq', es=4)),
    # per-element counts
    ('VPSLLVD keeps the low 5 bits of each count', 'vpsllvd',
     _shift_op('vpsllvd', lambda a, c, n: shift_sll(a, c % n, n))),
    ('VPSRAVQ gives 0 for a count above 63', 'vpsravq',
     _shift_op('vpsravq', lambda a, c, n: 0 if c >= n else
               shift_sra(a, c, n))),
    ('VPSRAVD compares its counts signed', 'vpsravd',
     _shift_op('vpsravd', lambda a, c, n: shift_sra(a, max(sx(c, n), 0),
                                                    n))),
    ('VPSRLVQ shifts by the count of element 0', 'vpsrlvq',
     _mut_var_first_count),
    ('VPSRLVD swaps data and counts', 'vpsrlvd', _mut_var_swapped),
    ('VPSLLVQ keeps the bits from VL up', 'vpsllvq', _mut_keep_upper_shift),
    ('VPSRAVD reads {1toN} with no element active', 'vpsravd',
     _mut_bcst_always_read_shift),
    # rotates
    ('VPROLD rotates right', 'vprold', _shift_op('vprold', shift_ror)),
    ('VPRORQ gives 0 for a count above 63', 'vprorq',
     _shift_op('vprorq', lambda a, c, n: 0 if c >= n else
               shift_ror(a, c, n))),
    ('VPROLQ rotates dwords', 'vprolq', _shift_op('vprolq', es=4)),
    ('VPROLQ zero-masking merges', 'vprolq', _mut_zero_merges_shift),
    ('VPROLVQ takes its counts mod 32', 'vprolvq',
     _shift_op('vprolvq', lambda a, c, n: shift_rol(a, c % 32, n))),
    ('VPRORVD rotates left', 'vprorvd', _shift_op('vprorvd', shift_rol)),
    ('VPRORVD rotates by the count mod 16', 'vprorvd',
     _shift_op('vprorvd', lambda a, c, n: shift_ror(a, c % 16, n))),
    # group perm
    ('VPERMD uses one index bit too few', 'vpermd',
     _perm_index(lambda x, kl: x & ~(kl >> 1))),
    ('VPBLENDMW blends dwords', 'vpblendmw', lambda c: sem_blend(c, 4)),
    ('VINSERTI64X2 masks per dword', 'vinserti64x2', _mut_insert_dwords),
    ('VBROADCASTI32X2 broadcasts one dword', 'vbroadcasti32x2',
     lambda c: sem_broadcast(c, 4, 4)),
    ('VCVTUQQ2PD converts signed', 'vcvtuqq2pd',
     lambda c: sem_pcvt(c, (8, 8, 'i2f', False, False, False))),
    ('VCVTTPS2QQ rounds by MXCSR.RC', 'vcvttps2qq',
     lambda c: sem_pcvt(c, (4, 8, 'f2i', False, False, False))),
    ('VPERMW uses one index bit too few', 'vpermw',
     _perm_index(lambda x, kl: x & ~(kl >> 1))),
    ('VPERMQ takes the index from the upper dword', 'vpermq',
     _perm_index(lambda x, kl: x >> 32)),
    ('VPERMPS reads memory only with an element active', 'vpermps',
     _mut_vpermps_suppress),
    ('VPERMPD imm8 selects from the low 256 bits only', 'vpermpd',
     _mut_vpermpd_imm_whole),
    ('VPERMI2D swaps its tables', 'vpermi2d',
     _perm_as(ops=lambda i: (i.ops[0], i.ops[2], i.ops[1]))),
    ('VPERMI2Q merging keeps the first table', 'vpermi2q',
     _mut_merge_src1),
    ('VPERMT2D merging keeps the indices', 'vpermt2d', _mut_merge_src1),
    ('VPERMT2Q has the roles of VPERMI2Q', 'vpermt2q',
     _perm_as(mn=lambda i: 'vpermi2q')),
    ('VPERMT2PS ignores the table bit', 'vpermt2ps',
     _perm_index(lambda x, kl: x & (kl - 1))),
    ('VPERMILPD (control vector) uses bit 0', 'vpermilpd',
     _mut_permil_var(lambda x, j, per: j - j % per + (x & 1))),
    ('VPERMILPS (control vector) picks from lane 0', 'vpermilps',
     _mut_permil_var(lambda x, j, per: x & 3)),
    ('VPERMILPS imm8 takes its fields in reverse', 'vpermilps',
     _mut_imm(lambda m: sum((m >> 2 * p & 3) << (6 - 2 * p)
                            for p in range(4)))),
    ('VPERMILPD imm8 uses bits 1:0 in every lane', 'vpermilpd',
     _mut_imm(lambda m: (m & 3) * 0x55)),
    ('VSHUFPS takes all four elements from SRC1', 'vshufps',
     _perm_as(ops=lambda i: (i.ops[0], i.ops[1], i.ops[1], i.ops[3]))),
    ('VSHUFPD uses imm8[1:0] in every lane', 'vshufpd',
     _mut_imm(lambda m: (m & 3) * 0x55)),
    ('VUNPCKHPS is VUNPCKLPS', 'vunpckhps',
     _perm_as(mn=lambda i: 'vunpcklps')),
    ('VUNPCKLPD takes SRC2 first', 'vunpcklpd',
     _perm_as(ops=lambda i: (i.ops[0], i.ops[2], i.ops[1]))),
    ('VINSERTI32X4 uses imm8[0] only', 'vinserti32x4',
     _mut_imm(lambda m: m & 1)),
    ('VINSERTF64X4 masks per dword', 'vinsertf64x4', _mut_insert_dwords),
    ('VINSERTF32X4 reads memory only with an element active',
     'vinsertf32x4', _mut_insert_suppress),
    ('VEXTRACTI64X4 to a register keeps bits 511:256', 'vextracti64x4',
     _mut_extract_keeps_upper),
    ('VEXTRACTF32X4 stores the masked-off elements', 'vextractf32x4',
     _mut_extract_store_unmasked),
    ('VEXTRACTI32X4 stores suppress faults', 'vextracti32x4',
     _mut_extract_store_suppress),
    ('VPCOMPRESSD merging clears the rest', 'vpcompressd',
     _perm_as(zero=lambda i: True)),
    ('VCOMPRESSPS does not pack', 'vcompressps', _mut_unpacked),
    ('VCOMPRESSPD to memory writes the whole vector', 'vcompresspd',
     _mut_compress_whole_store),
    ('VPEXPANDD does not unpack (a masked move)', 'vpexpandd',
     _mut_expand_in_place),
    ('VPEXPANDQ zero-masking merges', 'vpexpandq',
     _perm_as(zero=lambda i: False)),
    ('VEXPANDPS reads the whole memory operand', 'vexpandps',
     _mut_expand_reads_all),
] + TRUNC_MUTANTS + FP_MUTANTS


# group fp's deliberately broken models touch rare cases (a product just
# below the smallest normal, an exact denormal result): more cases
MUTATION_FACTOR = {'fp': 3}


def mutation_check(n):
    """Patch each of MUTANTS into the model in turn and run the known
    answers and n random cases of each form of its mnemonic (times the
    group's MUTATION_FACTOR) through the invariants: (description, caught
    by the known answers, caught by the random cases) per mutant."""
    r = random.Random(0xbad)
    result = []
    for what, mn, sem in MUTANTS:
        SEM_PATCH[mn] = sem
        try:
            by_kat = bool(known_answers())
            by_random = False
            for name, form in FORMS.items():
                insn = parse(form)
                if insn.mn != mn:
                    continue
                for _ in range(n * MUTATION_FACTOR.get(form.group, 1)):
                    st = rand_state(r, insn, form)
                    try:
                        out = model(insn, st)
                        by_random = bool(invariants(name, form, insn, st,
                                                    out, r))
                    except ModelError:
                        by_random = True
                    if by_random:
                        break
                if by_random:
                    break
        finally:
            del SEM_PATCH[mn]
        result.append((what, by_kat, by_random))
    return result


def invariants(name, form, insn, st, out, r):
    bad = []
    mn = insn.mn
    ops = insn.ops
    if out.exc is None:
        for n, v in out.z.items():
            vl = max(o.size for o in ops if o.kind == 'v')
            if v >> (8 * vl):
                bad.append(f'{name}: zmm{n} bits {8 * vl}+ not zero')
        for n, v in out.k.items():
            if v >> 64:
                bad.append(f'{name}: k{n} wider than 64 bits')
    if insn.mask is not None and out.exc is None:
        # all-ones mask = no mask; with {z}/merge an all-zero mask keeps or
        # clears the destination (blends: SRC1)
        k1 = list(st.k)
        k1[insn.mask] = ONES64
        a = model(insn, dataclasses.replace(st, k=k1))
        b = model(dataclasses.replace(insn, mask=None, zero=False),
                  dataclasses.replace(st, k=k1))
        if (a.exc, a.z, a.k, a.mem) != (b.exc, b.z, b.k, b.mem):
            bad.append(f'{name}: all-ones mask differs from no mask')
    if insn.mask is not None and ops[0].kind == 'v':
        k0 = list(st.k)
        k0[insn.mask] = 0
        a = model(insn, dataclasses.replace(st, k=k0))
        dst = ops[0]
        if mn in ('vmovss', 'vmovsd') or mn in DOWN_ROWS:
            pass                # (group trunc: trunc_down_invariants)
        elif mn == 'vcvtps2ph' and a.exc is None and \
                a.z[dst.n] != (0 if insn.zero else st.z[dst.n] & (
                    (1 << (16 * insn.ops[1].size // 4)) - 1)):
            # the binary16 elements fill half of DEST (a quarter at 128
            # bits): the rest is zeroed
            bad.append(f'{name}: all masked off changes the destination')
        elif mn in forms_fp.F16_ROWS:
            pass
        elif FP_ROWS.get(mn, (0, 0))[1] or \
                forms_fp.FIXUP_ROWS.get(mn, (0, 0))[1] or \
                forms_fp.RCP14_ROWS.get(mn, (0, 0))[1] or \
                (pcvt_row(mn)[0] or (0,) * 6)[5] or \
                forms_fp.ALL_SPECIAL_ROWS.get(mn, (0, 0))[1]:
            pass        # fp scalar: bits 127:32 (127:64) from SRC1
        elif a.exc is not None and mn in NOFS:
            pass                # trunc's dups: no fault suppression
        elif a.exc is not None:
            # misaligned (#GP whatever the mask); a permute (groups shuf
            # and perm), an insert or an extract store, which have no
            # fault suppression, with its operand not in the page; an
            # m128 shift count that crosses into a guard page (#PF, E4NF)
            if not (form.align > 1 and st.off % form.align) and not (
                    mn in forms_shuf.NOFS and a.exc == 'PF' and
                    (st.off < 0 or st.off + form.size > PAGE)) and \
                    not count_m128(insn) and not perm_nf_memory(insn):
                bad.append(f'{name}: faults ({a.exc}) with no element '
                           'active')
        else:
            keep = (st.z[ops[1].n] if mn.startswith(('vblendm', 'vpblendm'))
                    else st.z[dst.n]) & (1 << (8 * dst.size)) - 1
            if pcvt_row(mn)[0]:
                # a narrowing conversion zeroes DEST above its elements
                keep &= (1 << (8 * pcvt_row(mn)[0][1] *
                               pcvt_count(insn))) - 1
            if a.z[dst.n] != (0 if insn.zero else keep):
                bad.append(f'{name}: all masked off changes the '
                           'destination')
    if mn in PACKED and ops[0].kind == 'v' and ops[1].kind == 'v':
        es = PACKED[mn][0]
        ref = bytes_reference(insn, st, es, st.z[ops[1].n])
        if out.z[ops[0].n] != ref:
            bad.append(f'{name}: differs from the bytewise formulation')
    if mn in PACKED and form.size and out.exc is None:
        # the same operation with the operand moved into the page and
        # garbage in the masked-off elements gives the same register or
        # memory result (fault suppression changes nothing else)
        es = PACKED[mn][0]
        act = (ONES64 if insn.mask is None else st.k[insn.mask])
        if ops[0].kind == 'v':
            base = max(st.off, 0)
            buf = bytearray(r.getrandbits(8) for _ in range(form.size))
            for j in range(form.size // es):
                if act >> j & 1:
                    for b in range(es):
                        buf[j * es + b] = st.mem[st.off + j * es + b - base]
            moved = dataclasses.replace(st, off=1024 - 1024 % form.align,
                                        mem=bytes(buf))
            moved.gpr = list(st.gpr)
            moved.gpr[2] = (st.gpr[2] + moved.off - st.off) & ONES64
            m = model(insn, moved)
            if m.z != out.z:
                bad.append(f'{name}: fault suppression: the moved operand '
                           'gives another result')
    dst = ops[0]
    if out.exc is None and dst.kind == 'v' and dst.size > 16 and \
            not re.search(r'x\d$', mn) and not mn.startswith('valign') and \
            PERM_ROWS.get(mn, (0, ''))[1] not in PERM_CROSS and \
            mn not in DOWN_ROWS and mn != 'vcvtps2ph':
        # elementwise or within 128-bit lanes: the same at 128 bits is
        # the low 128 bits, with the same mask and operand (which then
        # cannot fault either); not the down-converts, whose destination
        # is narrower than their source
        narrow = dataclasses.replace(insn, ops=tuple(
            dataclasses.replace(o, size=16) if o.kind == 'v' and
            o.size == dst.size else o for o in ops))
        n128 = model(narrow, st)
        if n128.exc is not None or \
                n128.z[dst.n] != out.z[dst.n] & ((1 << 128) - 1):
            bad.append(f'{name}: at 128 bits not the low 128 bits '
                       f'({n128.exc})')
    if mn.startswith('k'):
        ref_mn = mn
        a = b = 0
        imm = 0
        if mn.startswith(('kmov',)) and ops[1].kind == 'k' and \
                ops[0].kind == 'k':
            a = st.k[ops[1].n]
        elif mn.startswith(('kortest', 'ktest')):
            a, b = st.k[ops[0].n], st.k[ops[1].n]
        elif mn.startswith(('kshift', 'knot')):
            a = st.k[ops[1].n]
            imm = ops[2].n if len(ops) > 2 else 0
        elif len(ops) == 3:
            a, b = st.k[ops[1].n], st.k[ops[2].n]
        else:
            ref_mn = None
        if ref_mn:
            val, zf, cf = k_reference(ref_mn, a, b, imm)
            if val is not None and out.k.get(ops[0].n) != val:
                bad.append(f'{name}: differs from the bit-list formulation')
            if zf is not None and out.flags != (
                    st.flags & ~FLAGS_OUT | (ZF if zf else 0) |
                    (CF if cf else 0)):
                bad.append(f'{name}: flags differ from the bit-list '
                           'formulation')
    if out.exc is None and mn not in ('kortestb', 'kortestw', 'kortestd',
                                      'kortestq', 'ktestb', 'ktestw',
                                      'ktestd', 'ktestq'):
        # group fp sets MXCSR flags, V[U]COMIS* RFLAGS (fp_invariants
        # checks them)
        comi = mn in FP_ROWS and FP_ROWS[mn][2] == 'comi'
        if (out.flags != st.flags and not comi) or \
                (out.mxcsr != st.mxcsr and mn not in FP_ROWS and
                 not cvt_row(mn)[0] and not pcvt_row(mn)[0] and
                 mn not in forms_fp.ALL_SPECIAL_ROWS and
                 mn not in forms_fp.F16_ROWS and
                 mn not in forms_fp.FIXUP_ROWS):
            bad.append(f'{name}: RFLAGS or MXCSR changed')
    if out.exc is not None and (out.z or out.k or out.mem):
        bad.append(f'{name}: a fault with results')
    if getattr(form, 'group', '') == 'int':
        bad += int_invariants(name, insn, st, out)
    if mn.startswith(('vblendm', 'vpblendm')) and out.exc is None and \
            ops[2].kind == 'v':
        bad += blend_invariants(name, insn, st, out)
    if BROADCAST_RE.match(mn) and out.exc is None and insn.mask is None \
            and ops[1].kind == 'v':
        bad += broadcast_invariants(name, insn, st, out)
    if getattr(form, 'group', '') == 'cmp' and mn.startswith('vpmov'):
        bad += movm_invariants(name, insn, st, out)
    elif mn.startswith('vpbroadcastm'):
        bad += bcstm_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'cmp':
        bad += cmp_invariants(name, insn, st, out)
    if getattr(form, 'group', '') == 'shuf':
        bad += shuf_invariants(name, insn, st, out)
    if getattr(form, 'group', '') == 'shift':
        bad += shift_invariants(name, insn, st, out)
    if getattr(form, 'group', '') == 'fp' and cvt_row(mn)[0]:
        bad += cvt_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp' and pcvt_row(mn)[0]:
        bad += pcvt_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp' and \
            mn in forms_fp.ALL_SPECIAL_ROWS:
        bad += special_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp' and fpclass_row(mn):
        bad += fpclass_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp' and mn in forms_fp.F16_ROWS:
        bad += f16_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp' and \
            mn in forms_fp.FIXUP_ROWS:
        bad += fixup_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp' and \
            mn in forms_fp.RCP14_ROWS:
        bad += rcp14_invariants(name, insn, st, out)
    elif getattr(form, 'group', '') == 'fp':
        bad += fp_invariants(name, insn, st, out)
    if getattr(form, 'group', '') == 'perm':
        bad += perm_invariants(name, insn, st, out)
    if getattr(form, 'group', '') == 'trunc':
        bad += trunc_invariants(name, insn, st, out)
    if out.exc is None and not (form.flags & STORE) and out.mem:
        bad.append(f'{name}: writes memory')
    if out.exc is None and form.flags & STORE and insn.mask is None and \
            len(out.mem) != form.size:
        bad.append(f'{name}: unmasked store of {len(out.mem)} bytes')
    return bad


def fpclass_invariants(name, insn, st, out):
    """VFPCLASS, register forms: the classes again from ref_value, and
    the result of imm8 the OR of those of its bits alone."""
    if out.exc is not None or insn.ops[1].kind != 'v':
        return []
    es, scalar, _ = fpclass_row(insn.mn)
    f = FP_FORMATS[es]
    dst, src, imm = insn.ops
    n = 1 if scalar else src.size // es
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    daz = bool(st.mxcsr & MX_DAZ)
    want = 0
    for j in range(n):
        raw = elem(st.z[src.n], es, j)
        v = ref_value(f, raw, daz)
        if v[0] == 'nan':
            cls = 0x01 if v[1] else 0x80
        elif v[0] == 'inf':
            cls = 0x10 if v[1] else 0x08
        elif v[2] == 0:
            cls = 0x04 if v[1] else 0x02
        else:
            cls = (0x20 if v[3] else 0) | (0x40 if v[1] else 0)
        if kv >> j & 1 and cls & imm.n:
            want |= 1 << j
    bad = []
    if out.k.get(dst.n) != want:
        bad.append(f'{name}: differs from the ref_value classes')
    bits = 0
    for b in range(8):
        if imm.n >> b & 1:
            one = dataclasses.replace(insn, ops=(dst, src, Op('i', 1 << b)))
            bits |= model(one, st).k[dst.n]
    if bits != out.k.get(dst.n):
        bad.append(f'{name}: not the OR of the results of its imm8 bits')
    return bad


BROADCAST_RE = re.compile(r'v(?:p?broadcast(ss|sd|b|w|d|q)|'
                          r'broadcast[fi](32|64)x(\d))$')


def broadcast_invariants(name, insn, st, out):
    """The unmasked broadcasts from a register: the low bytes of the
    source (one element, or N elements for the *xN rows) repeated over
    the destination's bytes, zero from VL up."""
    m = BROADCAST_RE.match(insn.mn)
    size = {'b': 1, 'w': 2, 'd': 4, 'ss': 4, 'q': 8, 'sd': 8}[m.group(1)] \
        if m.group(1) else int(m.group(2)) // 8 * int(m.group(3))
    dst, src = insn.ops[:2]
    block = st.z[src.n].to_bytes(64, 'little')[:size]
    want = int.from_bytes(block * (dst.size // size), 'little')
    if out.z.get(dst.n) != want:
        return [f'{name}: not the source\'s low {size} bytes repeated']
    return []


def bcstm_invariants(name, insn, st, out):
    """VPBROADCASTM*: the opmask's low 8 (16) bits, as 8 (4) bytes, over
    the destination's bytes."""
    dst, src = insn.ops
    size, low = (8, 1) if insn.mn.endswith('q') else (4, 2)
    block = (st.k[src.n] & 0xffff).to_bytes(2, 'little')[:low] + \
        bytes(size - low)
    if out.z.get(dst.n) != int.from_bytes(block * (dst.size // size),
                                          'little'):
        return [f'{name}: not the opmask\'s low bits in every element']
    return []


def blend_invariants(name, insn, st, out):
    """The register blends, byte by byte: SRC2's byte where the k bit of
    its element is set (every bit without a mask), else SRC1's, or zero
    with {z}; zero from VL up."""
    mn, (dst, src1, src2) = insn.mn, insn.ops
    es = {'b': 1, 'w': 2, 'd': 4, 'q': 8, 's': 4}[mn[-1]] \
        if mn.startswith('vpblendm') else 4 if mn.endswith('ps') else 8
    kv = ONES64 if insn.mask is None else st.k[insn.mask]
    a = st.z[src1.n].to_bytes(64, 'little')
    b = st.z[src2.n].to_bytes(64, 'little')
    want = bytes(b[i] if kv >> (i // es) & 1 else 0 if insn.zero else a[i]
                 for i in range(dst.size)) + bytes(64 - dst.size)
    if out.z.get(dst.n) != int.from_bytes(want, 'little'):
        return [f'{name}: not SRC2 where the writemask is set and SRC1 '
                'elsewhere, byte by byte']
    return []


def main(argv):
    if len(argv) >= 1 and argv[0] == '--self-check':
        n = int(argv[1]) if len(argv) > 1 else 200
        nkat, checked, fails = self_check(n)
        for f in fails[:50]:
            print(f'MODEL: FAIL {f}')
        for what, by_kat, by_random in mutation_check(max(n // 2, 4)):
            print(f'MODEL: mutant "{what}": caught by the known answers '
                  f'{"yes" if by_kat else "no"}, by the random cases '
                  f'{"yes" if by_random else "NO"}')
        print(f'MODEL: {"FAIL" if fails else "PASS"} self-check forms='
              f'{len(FORMS)} random-cases={checked} known-answers-failed='
              f'{nkat} failures={len(fails)}')
        return 1 if fails else 0
    if len(argv) >= 2 and argv[0] == '--compare':
        names = set(argv[2:]) or None
        n = bad = 0
        with open(argv[1], encoding='utf-8') as fh:
            for form, case, st, exp, _, diff in compare(fh, names):
                n += 1
                if diff:
                    bad += 1
                    if bad <= 20:
                        print(f'MODEL: FAIL {form.name} case {case}: ' +
                              '; '.join(diff))
        print(f'MODEL: {"FAIL" if bad else "PASS"} compare cases={n} '
              f'differ={bad}')
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
