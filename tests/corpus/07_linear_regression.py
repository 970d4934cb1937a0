"""Linear regression by hand: gradient descent on w and b."""
import torch

torch.manual_seed(1)
X = torch.randn(50, 1)
y = 3 * X + 0.5 + 0.1 * torch.randn(50, 1)
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for step in range(60):
    pred = X * w + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 15 == 0:
        print(step, round(loss.item(), 4))
print(w, b)
