"""A custom autograd.Function with save_for_backward."""
import torch


class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * grad


x = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
y = Cube.apply(x)
print(y)
y.sum().backward()
print(x.grad)
print(torch.autograd.gradcheck(Cube.apply, (torch.tensor([0.3, 0.7], dtype=torch.float64,
                                                          requires_grad=True),)))
