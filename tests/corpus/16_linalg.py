"""Matrix products, einsum and small linear algebra."""
import torch

torch.manual_seed(2)
A = torch.randn(3, 3)
B = torch.randn(3, 2)
print(A @ B)
print(torch.mm(A, B).shape, torch.matmul(torch.randn(2, 3, 3), B).shape)
print(torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 3, 4)))
print(torch.einsum("ij,jk->ik", A, B))
print(torch.det(torch.tensor([[2.0, 1.0], [1.0, 3.0]])))
print(torch.linalg.inv(torch.tensor([[4.0, 7.0], [2.0, 6.0]])))
print(torch.outer(torch.arange(3.0), torch.arange(2.0)))
print(torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
M = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
(M @ M).diagonal().sum().backward()
print(M.grad)
