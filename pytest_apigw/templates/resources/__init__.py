"""One module per resource family, each turning resolved CloudFormation properties into the
same spec objects the Python vocabulary builds (:mod:`pytest_apigw.spec`)."""
