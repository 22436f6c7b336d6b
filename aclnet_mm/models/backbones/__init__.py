from .acl_gcn import ACLGCN

__all__ = ['ACLGCN']
