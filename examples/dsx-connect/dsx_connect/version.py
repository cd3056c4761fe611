# The version of dsx-connect. Only `lanes bump dsx-connect` changes it.
DSX_CONNECT_VERSION = "0.3.88"
