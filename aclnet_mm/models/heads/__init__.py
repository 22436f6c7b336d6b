from .acl_embedding_head import ACLEmbeddingHead
from .acl_head import ACLHead

__all__ = ['ACLEmbeddingHead', 'ACLHead']
