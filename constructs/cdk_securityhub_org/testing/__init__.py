"""The testing kit: the emulator (Security Hub, Organizations, STS and S3 over HTTP, reached by real boto3 clients),
the simulator (deploys a synthesized cloud assembly against it), the snapshot helper, and an emulated organization
seeded from a declaration. Importing it does not start aws-cdk-lib's runtime; nothing in the constructs imports it.
"""
