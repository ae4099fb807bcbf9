#!/usr/bin/env python3
"""Writes assets/builtin/: the first 64 Fashion-MNIST training images and their labels.

The app opens on this small set when the Debian package dataset-fashion-mnist is absent
(core/datasets.h, loadBuiltin). Fashion-MNIST is MIT-licensed, (c) 2017 Zalando SE.
Python standard library only; the output is byte-for-byte reproducible (gzip mtime = 0).

Usage: scripts/make_builtin_assets.py [SOURCE_DIR] [OUTPUT_DIR]
"""
import gzip
import os
import struct
import sys

COUNT = 64
IMAGES_MAGIC = 0x00000803  # IDX: unsigned bytes, 3 dimensions (count, rows, cols)
LABELS_MAGIC = 0x00000801  # IDX: unsigned bytes, 1 dimension (count)


def read_idx(path, magic, ndims):
    with gzip.open(path, "rb") as f:
        header = f.read(4 + 4 * ndims)
        values = struct.unpack(">%dI" % (1 + ndims), header)
        if values[0] != magic:
            sys.exit("%s: wrong magic 0x%08x, expected 0x%08x" % (path, values[0], magic))
        dims = list(values[1:])
        item_bytes = 1
        for d in dims[1:]:
            item_bytes *= d
        if dims[0] < COUNT:
            sys.exit("%s: holds only %d items, need %d" % (path, dims[0], COUNT))
        data = f.read(COUNT * item_bytes)
        if len(data) != COUNT * item_bytes:
            sys.exit("%s: truncated" % path)
        return dims[1:], data


def write_idx(path, magic, dims, data):
    header = struct.pack(">%dI" % (2 + len(dims)), magic, COUNT, *dims)
    # mtime=0 and no file name in the gzip header keep the output reproducible.
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(header + data)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "assets", "builtin")
    os.makedirs(output, exist_ok=True)
    image_dims, images = read_idx(os.path.join(source, "train-images-idx3-ubyte.gz"),
                                  IMAGES_MAGIC, 3)
    _, labels = read_idx(os.path.join(source, "train-labels-idx1-ubyte.gz"), LABELS_MAGIC, 1)
    write_idx(os.path.join(output, "images-idx3-ubyte.gz"), IMAGES_MAGIC, image_dims, images)
    write_idx(os.path.join(output, "labels-idx1-ubyte.gz"), LABELS_MAGIC, [], labels)
    print("wrote %d images of %dx%d and their labels to %s"
          % (COUNT, image_dims[0], image_dims[1], os.path.normpath(output)))


if __name__ == "__main__":
    main()
