"""Regenerates the byte fixtures of the NumPy/IDX/gzip tests (run once; outputs are committed).

python3 make_fixtures.py   # needs numpy; writes *.npy, *.npz, *.gz next to this file
"""
import gzip, struct, numpy as np

a = (np.arange(12, dtype=np.float64).reshape(3, 4) - 5) * 0.5          # -2.5 ... 3.0
np.save("f8.npy", a)
np.save("f4.npy", a.astype(np.float32))
np.save("i8.npy", np.arange(-3, 3, dtype=np.int64).reshape(2, 3))
np.save("i4.npy", np.arange(-3, 3, dtype=np.int32).reshape(2, 3))
np.save("u1.npy", np.array([0, 1, 127, 128, 255], dtype=np.uint8))
np.save("i1.npy", np.array([-128, -1, 0, 1, 127], dtype=np.int8))
np.save("bool.npy", np.array([True, False, True]))
np.save("f8_big.npy", a.astype(">f8"))
np.save("scalar.npy", np.float64(3.5))
np.save("empty.npy", np.zeros((0, 3)))
np.save("fortran.npy", np.asfortranarray(a))
for v in [(2, 0), (3, 0)]:
    with open("f8_v%d.npy" % v[0], "wb") as f:
        np.lib.format.write_array(f, a, version=v)
rng = np.random.default_rng(0)
labels = rng.integers(0, 10, size=5000).astype(np.int64)    # compressible: dynamic Huffman blocks
np.savez("stored.npz", a=a, labels=labels[:10])
np.savez_compressed("compressed.npz", a=a, labels=labels, zeros=np.zeros(10000, dtype=np.uint8))
# numpy.rot90(x, k, axes=(0, 1)) of mirrored (x[:, ::-1]) and plain images, for ImageSymmetry.
x = np.arange(3 * 4 * 2, dtype=np.float64).reshape(3, 4, 2)
np.savez("rot90.npz", x=x, **{"k%d_m%d" % (k, m): np.rot90(x[:, ::-1] if m else x, k, axes=(0, 1))
                              for k in range(4) for m in range(2)})
# A tiny gzip-compressed IDX3 file (2 images of 3x3, uint8).
idx = struct.pack(">BBBBIII", 0, 0, 8, 3, 2, 3, 3) + bytes(range(18))
with gzip.open("tiny-idx3-ubyte.gz", "wb") as f:
    f.write(idx)
# numpy.savez_compressed of float32 images with closed-form values (read by ZIPFoundation + zlib),
# and the same arrays in a zip whose members carry zip64 extra fields (forced, as NumPy does
# for arrays over 4 GiB).
i, j, k = np.meshgrid(np.arange(3), np.arange(5), np.arange(4), indexing="ij")
imgs = np.sin(0.5 * i + 0.25 * j - 0.125 * k).astype(np.float32)        # shape (3, 5, 4)
np.savez_compressed("savez_compressed_f4.npz", images=imgs, labels=np.array([2, 0, 1], dtype=np.int32))
import zipfile
with zipfile.ZipFile("zip64_members.npz", "w", compression=zipfile.ZIP_DEFLATED) as zf:
    for name, arr in [("images", imgs), ("labels", np.array([2, 0, 1], dtype=np.int32))]:
        with zf.open(name + ".npy", "w", force_zip64=True) as f:
            np.lib.format.write_array(f, arr)
