"""TensorDataset + DataLoader mini-batches."""
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset

torch.manual_seed(3)
X = torch.arange(20.0).reshape(10, 2)
y = torch.arange(10)
ds = TensorDataset(X, y)
print(len(ds), ds[3])
for xb, yb in DataLoader(ds, batch_size=4):
    print(xb.shape, yb)
for _, yb in DataLoader(ds, batch_size=3, shuffle=True, drop_last=True):
    print(yb)


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return torch.tensor(float(i)), torch.tensor(float(i * i))


for a, b in DataLoader(Squares(), batch_size=2):
    print(a, b)
