import numpy as np, glob, os
ref = np.load("vecs/ort_fp32.npy")
for f in sorted(g for g in glob.glob("vecs/*.npy") if "squad_" not in g):
    v = np.load(f); c = (v * ref).sum(1)
    print("%-28s mean %.5f min %.5f" % (os.path.basename(f)[:-4], c.mean(), c.min()))
