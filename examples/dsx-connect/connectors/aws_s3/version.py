# The version of aws-s3-connector. Only `lanes bump aws-s3-connector` changes it.
CONNECTOR_VERSION = "0.5.2"
