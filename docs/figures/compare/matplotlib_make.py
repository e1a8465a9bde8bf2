# matplotlib defaults on the same data as entk's ExportTests gallery (for side-by-side viewing).
import numpy as np, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
out = "/tmp/fig-compare/matplotlib/"
sizes = np.array([10.0, 20, 40, 80, 120])
fig, ax = plt.subplots()
for k, name in enumerate(["MLP", "CNN", "gcnn-c4 with a rather long stack name for the legend", "gcnn-d4"]):
    base = 0.3 + 0.1 * k + 0.08 * np.log10(sizes)
    l, = ax.plot(sizes, base, "o-", label=f"{name} t=∞")
    ax.fill_between(sizes, base - 0.03, base + 0.03, alpha=0.2, color=l.get_color())
    ax.plot(sizes, base - 0.05, "o--", color=l.get_color(), label=f"{name} t=10")
ax.set_xscale("log"); ax.set_ylim(0, 1); ax.set_xlabel("training examples"); ax.set_ylabel("test accuracy")
ax.set_title(r"$\Theta_{r,r'}(t,t')$ gcnn-d4 after layer 2 (group_conv) [4, 4], pair (0,1) — D4: 8×8 blocks of 16×16 on rotated texture/histology patches 12×12 (scikit-image IHC, brick, grass, gravel)")
ax.legend(); fig.savefig(out + "learning-curve.png", dpi=150)
w = np.array([16.0, 64, 256, 1024, 4096])
fig, ax = plt.subplots()
ax.errorbar(w, 2 / np.sqrt(w), yerr=0.5 / np.sqrt(w), marker="o", capsize=3, label="NTK")
ax.errorbar(w, 1 / np.sqrt(w), yerr=0.9 / np.sqrt(w), marker="s", capsize=3, label="NNGP")
ax.set_xscale("log"); ax.set_yscale("log"); ax.set_xlabel("width"); ax.set_ylabel(r"$\|$mean emp. − exact$\|_F / \|$exact$\|_F$")
ax.set_title("Finite width vs limit, gcnn-c4: slope NTK −0.51, NNGP −0.49"); ax.legend(); fig.savefig(out + "convergence.png", dpi=150)
n, g = 32, 4; p = n // g
i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
m = np.cos(((i // p + j // p) % g).astype(float)) + 0.1 * ((i + j) % p)
fig, ax = plt.subplots()
im = ax.imshow(m); fig.colorbar(im, ax=ax, label="Θ")
ax.set_title(r"$\Theta_{r,r'}(t,t')$ gcnn-d4 after layer 2 (group_conv) [4, 4], pair (0,1) — D4: 8×8 blocks of 16×16 …")
ax.set_xlabel("(r′, t′)"); ax.set_ylabel("(r, t)"); fig.savefig(out + "symmetry.png", dpi=150)
