# The version of filesystem-connector. Only `lanes bump filesystem-connector` changes it.
CONNECTOR_VERSION = "0.2.7"
