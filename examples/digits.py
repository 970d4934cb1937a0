"""Train a small network on scikit-learn's handwritten digits, save it, reload it, plot it.

Runs on fakel as written; to run the very same script on PyTorch, change the one import below
to ``import torch``. Needs the example extras: ``pip install -e '.[examples]'``.

    python examples/digits.py --epochs 20 --out runs/digits
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.datasets import load_digits
from tqdm import tqdm

import fakel as torch  # change to `import torch` to run on PyTorch

nn = torch.nn
DataLoader = torch.utils.data.DataLoader
TensorDataset = torch.utils.data.TensorDataset


def make_data(seed: int):
    """Digits as float32 tensors: 8x8 images scaled to [0, 1], a fixed 80/20 split."""
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(x))
    cut = int(0.8 * len(x))
    tr, te = order[:cut], order[cut:]
    return (torch.tensor(x[tr]), torch.tensor(y[tr])), (torch.tensor(x[te]), torch.tensor(y[te]))


def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(64, 128),
        nn.ReLU(),
        nn.Linear(128, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


def accuracy(model: nn.Module, x, y) -> float:
    model.eval()
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    model.train()
    return (pred == y).float().mean().item()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/digits", help="folder for the model and the plot")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = make_data(args.seed)
    loader = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=args.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(args.seed),
    )
    model = build_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    loss_fn = nn.CrossEntropyLoss()

    history = {"loss": [], "train_acc": [], "test_acc": []}
    start = time.perf_counter()
    for _ in tqdm(range(args.epochs), desc="epochs", disable=args.quiet):
        total, count = 0.0, 0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
        scheduler.step()
        history["loss"].append(total / count)
        history["train_acc"].append(accuracy(model, x_train, y_train))
        history["test_acc"].append(accuracy(model, x_test, y_test))
    seconds = time.perf_counter() - start

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "digits_model.pt")
    torch.save(model.state_dict(), path)
    reloaded = build_model()
    reloaded.load_state_dict(torch.load(path))
    test_acc = accuracy(reloaded, x_test, y_test)
    assert test_acc == history["test_acc"][-1], "the reloaded model must predict the same"

    plot_path = os.path.join(args.out, "digits_training.png")
    plot(history, plot_path)
    print(f"library: {torch.__name__} {torch.__version__}")
    print(f"epochs: {args.epochs}, training time: {seconds:.1f} s")
    print(f"final loss: {history['loss'][-1]:.4f}")
    print(f"test accuracy: {test_acc:.4f} (reloaded from {path})")
    print(f"plot: {plot_path}")
    return {"final_test_acc": test_acc, **history}


def plot(history: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = range(1, len(history["loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, history["loss"], marker="o")
    ax1.set(title="training loss", xlabel="epoch", ylabel="cross-entropy")
    ax2.plot(epochs, history["train_acc"], marker="o", label="train")
    ax2.plot(epochs, history["test_acc"], marker="o", label="test")
    ax2.set(title="accuracy", xlabel="epoch", ylabel="accuracy", ylim=(0, 1.01))
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    main()
