#!/usr/bin/env node
// The seed's Books API ("Lambda" example of aws-apigatewayv2-integrations), written as a team
// ships it: an HTTP API whose GET /books route invokes a Node.js function. See README.md beside
// this file for how cdk.out is regenerated.
import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as path from 'path';

export class BooksStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string, props?: cdk.StackProps) {
    super(scope, id, props);

    const booksDefaultFn = new lambda.Function(this, 'BooksDefaultFn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'lambda')),
      environment: { SHELF: 'fiction' },
    });

    const booksIntegration = new HttpLambdaIntegration('BooksIntegration', booksDefaultFn);

    const httpApi = new HttpApi(this, 'HttpApi');
    httpApi.addRoutes({
      path: '/books',
      methods: [HttpMethod.GET],
      integration: booksIntegration,
    });

    new cdk.CfnOutput(this, 'ApiUrl', { value: httpApi.apiEndpoint });
  }
}

const app = new cdk.App();
new BooksStack(app, 'BooksStack');
