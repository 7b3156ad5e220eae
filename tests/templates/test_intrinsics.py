"""Intrinsic functions and conditions, resolved as CloudFormation resolves them."""

from __future__ import annotations

import pytest

from pytest_apigw import SpecError
from pytest_apigw.templates.cfn_yaml import load_yaml
from pytest_apigw.templates.intrinsics import Resolver, Where

TEMPLATE = {
    "Parameters": {"Env": {"Type": "String", "Default": "dev"}, "Zones": {"Type": "CommaDelimitedList",
                                                                           "Default": "a, b"}},
    "Conditions": {"IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
                   "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Not": [{"Fn::Equals": ["x", "y"]}]}]}},
    "Mappings": {"M": {"dev": {"Size": 3}}},
    "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "books"}},
                  "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {}}},
}


def resolve(value, **parameters):
    return Resolver(TEMPLATE, parameters, "Stack").resolve(value, Where("Test", "Value"))


def test_refs_and_pseudo_parameters():
    assert resolve({"Ref": "Env"}) == "dev"
    assert resolve({"Ref": "Env"}, Env="prod") == "prod"
    assert resolve({"Ref": "Zones"}) == ["a", "b"]
    assert resolve({"Ref": "AWS::Region"}) == "us-east-1"
    assert resolve({"Ref": "AWS::StackName"}) == "Stack"
    assert resolve({"Ref": "Fn"}) == "books"
    assert resolve({"Fn::GetAtt": ["Fn", "Arn"]}) == "arn:aws:lambda:us-east-1:123456789012:function:books"


def test_string_functions():
    assert resolve({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]}) == "a-dev"
    assert resolve({"Fn::Sub": "${AWS::Region}/${Env}/${Fn.Arn}/${!Literal}"}) == (
        "us-east-1/dev/arn:aws:lambda:us-east-1:123456789012:function:books/${Literal}")
    assert resolve({"Fn::Sub": ["${A}-${Env}", {"A": {"Ref": "Fn"}}]}) == "books-dev"
    assert resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}) == "y"
    assert resolve({"Fn::FindInMap": ["M", {"Ref": "Env"}, "Size"]}) == 3
    assert resolve({"Fn::Base64": "hi"}) == "aGk="


def test_conditions_and_no_value():
    assert resolve({"Fn::If": ["IsDev", "yes", "no"]}) == "yes"
    assert resolve({"Fn::If": ["IsDev", "yes", "no"]}, Env="prod") == "no"
    assert resolve({"Fn::If": ["Both", 1, 2]}) == 1
    assert resolve({"a": {"Fn::If": ["IsDev", {"Ref": "AWS::NoValue"}, 1]}, "b": 2}) == {"b": 2}


def test_what_cannot_be_known_locally():
    with pytest.raises(SpecError, match=r"^Test: property Value: Fn::ImportValue"):
        resolve({"Fn::ImportValue": "x"})
    with pytest.raises(SpecError, match="Ref 'Missing' names no parameter"):
        resolve({"Fn::Join": ["", [{"Ref": "Missing"}]]})
    with pytest.raises(SpecError, match="Fn::GetAtt names resource 'Nope'"):
        resolve({"Fn::GetAtt": ["Nope", "Arn"]})
    with pytest.raises(SpecError, match="AllowedValues"):
        Resolver({"Parameters": {"P": {"Type": "String", "AllowedValues": ["a"]}}}, {"P": "b"}, "S")


def test_yaml_short_forms():
    loaded = load_yaml(
        "AWSTemplateFormatVersion: 2010-09-09\n"
        "A: !Ref X\nB: !GetAtt Fn.Arn\nC: !Sub '${X}'\nD: !Join [',', [a, !Ref Y]]\n"
        "E: !If [Cond, !Select [0, !GetAZs ''], b]\nF: !Condition Cond\n",
        "test.yaml",
    )
    assert loaded == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "A": {"Ref": "X"}, "B": {"Fn::GetAtt": ["Fn", "Arn"]}, "C": {"Fn::Sub": "${X}"},
        "D": {"Fn::Join": [",", ["a", {"Ref": "Y"}]]},
        "E": {"Fn::If": ["Cond", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "b"]},
        "F": {"Condition": "Cond"},
    }
