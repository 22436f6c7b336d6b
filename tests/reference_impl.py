"""Slow, literal loop transcriptions of the ACLNet spec (section 2).

Independent of ``aclnet_mm``: plain Python loops over samples, classes and
pairs, one formula line at a time, so the vectorised code can be checked
against them. Written for the tests from the spec's formulas.
"""
import math

import torch


def count_confusions(bank, labels, preds):
    """Spec 2.2 step 3, literally: ``bank[k][j]`` is a dict of dicts."""
    B = len(labels)
    for i in range(B):
        yi = int(labels[i])
        if int(preds[i]) != yi:
            bank[yi][int(preds[i])] += 1
        for j in range(B):
            if int(preds[j]) == yi and int(labels[j]) != yi:
                bank[yi][int(labels[j])] += 1


def empty_bank(K):
    return [{j: 0 for j in range(K)} for _ in range(K)]


def superclasses(bank, K, num_neighbors=10, coincidence=4):
    """Spec 2.2 step 5: lists S(k) (ascending) from the counting bank."""
    neighbors = []
    for k in range(K):
        # Python's sorted is stable: ties keep the lower class index first
        ranked = sorted(bank[k].items(), key=lambda kv: kv[1], reverse=True)
        neighbors.append([c for c, _ in ranked[:num_neighbors]])
    sets = [set(n) for n in neighbors]
    result = []
    for k in range(K):
        affinity = {}
        for j in neighbors[k]:
            affinity[j] = affinity.get(j, 0.) + 0.5
        for j in range(K):
            if j == k:
                continue
            shared = len(sets[k] & sets[j])
            if shared > coincidence:
                affinity[j] = affinity.get(j, 0.) + shared / len(
                    neighbors[k])
        result.append(sorted(j for j, a in affinity.items() if a > 0))
    return result


def temperature(size):
    if size <= 10:
        return 0.1
    if size <= 20:
        return 0.5
    return 1.0


def ema_prototypes(old, emb, labels, preds, momentum=0.9):
    """Spec 2.2 step 4, per class; keeps autograd through the batch mean."""
    K = old.shape[0]
    rows = []
    for k in range(K):
        members = [
            emb[i] for i in range(len(labels))
            if int(labels[i]) == k and int(preds[i]) == k
        ]
        if members:
            mean = torch.stack(members).sum(0) / (len(members) + 1e-12)
            rows.append(momentum * old[k] + (1 - momentum) * mean)
        else:
            rows.append(old[k])
    return torch.stack(rows)


def inter_loss(emb, prototypes, labels, superclass_lists,
               self_negative=False):
    """Spec 2.2 step 6, one sample at a time."""
    total = 0.
    B = len(labels)
    for i in range(B):
        y = int(labels[i])
        members = superclass_lists[y]
        tau = temperature(len(members))
        negatives = list(members) if self_negative else [
            j for j in members if j != y
        ]
        u = emb[i] / (emb[i].norm() + 1e-12)
        p = prototypes[[y] + negatives]  # positive first, then negatives
        p = p / (p.norm(dim=1, keepdim=True) + 1e-12)
        scores = p @ u / tau
        total = total - torch.log_softmax(scores, dim=0)[0]
    return total / B


def intra_loss(z, y, num_anchors, temp=0.1, eps=0.1):
    """Spec 2.3 step 3 for a full bank ``z`` whose last rows are anchors.

    ``z`` (L, D) normalised, ``y`` (L, ) labels; loops over anchors and
    their positives.
    """
    omega = math.exp(-eps)
    L = z.shape[0]
    total = 0.
    for a in range(L - num_anchors, L):
        s = (z @ z[a]) / temp  # row a of the similarity matrix
        s = s - s.max().detach()
        positives = [j for j in range(L) if j != a and int(y[j]) == int(
            y[a])]
        negatives = [j for j in range(L) if int(y[j]) != int(y[a])]
        neg_sum = torch.exp(s[negatives]).sum()  # 0 without negatives
        acc = 0.
        for p in positives:
            acc = acc + s[p] - torch.log(omega * torch.exp(s[p]) + neg_sum +
                                         1e-6)
        total = total - acc / max(len(positives), 1)
    return total / num_anchors
