"""The Azure SDK's side of a Gatehouse Blob connection (docs/blob.md): a TokenCredential that hands
the SDK the agent's Gatehouse (OIDC) token, whatever scope it asks for."""

import time

from azure.core.credentials import AccessToken


class GatehouseToken:
    def __init__(self, token: str):
        self.token = token

    def get_token(self, *scopes, **kwargs) -> AccessToken:
        return AccessToken(self.token, int(time.time()) + 3600)
