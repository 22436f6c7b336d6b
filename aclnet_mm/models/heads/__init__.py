from .acl_head import ACLHead

__all__ = ['ACLHead']
