"""The seed loop from the tutorials, kept verbatim in spirit: the baseline we measure against.

torchvision ImageFolder + DataLoader(batch 4, 2 workers) + PIL transforms + SimpleCNN +
SGD(lr=0.001, momentum=0.9), fp32, one loss.item() per step.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms as transforms
from torch import nn


class SimpleCNN(nn.Module):
    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def run_seed_loop(train_dir: Path, test_dir: Path, epochs: int = 2, device: str = "cpu",
                  image_size: int = 32, model: nn.Module | None = None, batch_size: int = 4,
                  workers: int = 2, seed: int = 0) -> dict[str, Any]:
    torch.manual_seed(seed)
    t0 = time.perf_counter()  # end to end: building the dataset and loaders counts too
    transform = transforms.Compose([
        transforms.Resize((image_size, image_size)),
        transforms.ToTensor(),
        transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
    ])
    trainset = torchvision.datasets.ImageFolder(str(train_dir), transform=transform)
    testset = torchvision.datasets.ImageFolder(str(test_dir), transform=transform)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=workers)
    testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=workers)
    net = (model or SimpleCNN(len(trainset.classes))).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    epoch_seconds = []
    for _epoch in range(epochs):
        te = time.perf_counter()
        running_loss = 0.0
        for inputs, labels in trainloader:
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        epoch_seconds.append(time.perf_counter() - te)
    train_seconds = time.perf_counter() - t0
    correct = total = 0
    net.eval()
    with torch.no_grad():
        for inputs, labels in testloader:
            outputs = net(inputs.to(device))
            correct += int((outputs.argmax(1).cpu() == labels).sum())
            total += labels.numel()
    n = len(trainset)
    return {
        "loop": "seed", "epochs": epochs, "train_seconds": train_seconds,
        "first_epoch_images_per_s": n / epoch_seconds[0],
        "steady_images_per_s": n / (sum(epoch_seconds[1:]) / (epochs - 1)) if epochs > 1 else n / epoch_seconds[0],
        "test_accuracy": correct / max(total, 1), "train_images": n,
    }
