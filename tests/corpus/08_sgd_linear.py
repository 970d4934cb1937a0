"""nn.Linear fitted with SGD (momentum) and MSELoss."""
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Linear(3, 1)
print(model)
print(model.weight, model.bias)
X = torch.randn(32, 3)
y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 1.0
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = nn.MSELoss()
for epoch in range(40):
    opt.zero_grad()
    loss = loss_fn(model(X), y)
    loss.backward()
    opt.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1}: loss {loss.item():.4f}")
print(model.weight.data, model.bias.data)
