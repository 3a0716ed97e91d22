using System.Text.Json.Nodes;
using BankAccounts.Api.Contracts;
using BankAccounts.Domain;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BankAccounts.Api.Http;

/// <summary>
/// What the OpenAPI document says beyond what the handlers' signatures tell it: the handlers bind route
/// and query values as strings (so a malformed one gets this API's 400 problem, not routing's 404), while
/// the document gives their real types; closed sets of strings are enums; tags come in a newcomer's order.
/// </summary>
internal static class OpenApiConventions
{
    /// <summary>The order of the API page's sections; a tag not listed follows these, by name.</summary>
    private static readonly string[] TagOrder = ["Accounts", "Transfers", "Live", "Admin", "Cluster", "Health"];

    /// <summary>Route and query values by name, as the handlers parse them (<see cref="QueryParameters"/>).</summary>
    private static readonly Dictionary<string, Func<OpenApiSchema>> ParameterSchemas = new(StringComparer.Ordinal)
    {
        ["id"] = () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" },
        ["limit"] = () => Integer(minimum: 1),
        ["after"] = () => Integer(minimum: 0),
        ["minVersion"] = () => Integer(minimum: 0),
        ["from"] = () => Integer(minimum: 1),
        ["version"] = () => Integer(minimum: 1),
    };

    public static OpenApiOptions AddBankAccountsConventions(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                // Only a value the handler takes as a plain string is retyped; a typed binding documents itself.
                // A value with its own example (a period's from/to are dates) documents itself.
                if (parameter.In is ParameterLocation.Path or ParameterLocation.Query && parameter.Example is null
                    && parameter.Name is { } name && ParameterSchemas.TryGetValue(name, out var schema)
                    && parameter.Schema is { Type: JsonSchemaType.String or (JsonSchemaType.String | JsonSchemaType.Null), Format: null })
                {
                    parameter.Schema = schema();
                }
            }
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonPropertyInfo is not { } property || schema is not { Type: { } type } || !type.HasFlag(JsonSchemaType.String))
            {
                return Task.CompletedTask;
            }
            var values = property.Name switch
            {
                "currency" => Currency.SupportedCodes.Order(StringComparer.Ordinal).ToList(),
                "status" when property.DeclaringType == typeof(TransferResponse) || property.DeclaringType == typeof(TransferSummaryResponse) => ReadModel.Storage.TransferStatuses.All,
                "status" when property.DeclaringType == typeof(AccountResponse) || property.DeclaringType == typeof(AccountClosedResponse) => ReadModel.Storage.AccountStatuses.All,
                _ => null,
            };
            if (values is not null)
            {
                schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
                if (type.HasFlag(JsonSchemaType.Null))
                {
                    schema.Enum.Add(null!); // an optional value may still be sent as null
                }
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            OrderByTag(document);
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>Tags, and the paths within them, in <see cref="TagOrder"/>: the first operation shown is opening an account.</summary>
    private static void OrderByTag(OpenApiDocument document)
    {
        int Rank(string? tag) => tag is null ? int.MaxValue : Array.IndexOf(TagOrder, tag) is var i and >= 0 ? i : TagOrder.Length;
        string? FirstTag(IOpenApiPathItem path) =>
            path.Operations?.Values.SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).FirstOrDefault();

        var tags = (document.Tags ?? new HashSet<OpenApiTag>())
            .OrderBy(t => Rank(t.Name)).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        document.Tags = new HashSet<OpenApiTag>(tags);

        // Within a tag, paths keep the order their endpoints were mapped in (commands first).
        var paths = document.Paths.Select((path, index) => (path, index))
            .OrderBy(p => Rank(FirstTag(p.path.Value)))
            .ThenBy(p => p.path.Value.Operations?.ContainsKey(HttpMethod.Post) == true ? 0 : 1)
            .ThenBy(p => p.index)
            .Select(p => p.path)
            .ToList();
        document.Paths.Clear();
        foreach (var (route, item) in paths)
        {
            document.Paths.Add(route, item);
        }
    }

    private static OpenApiSchema Integer(long minimum) =>
        new() { Type = JsonSchemaType.Integer, Format = "int64", Minimum = minimum.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
