using ApeiKit.Cper.Json;
using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Apei;

/// <summary>
/// Every library's JSON input error is an <see cref="ApeiJsonException"/> with the JSON path of the value at fault
/// (issue #17 item 2: one base for JSON input errors), so a caller handles a record, a build spec and a scenario in one
/// catch.
/// </summary>
public sealed class JsonInputErrorTests
{
    public static TheoryData<string, string, string> Inputs => new()
    {
        { "cper", """[{"header":{"severity":"sometimes"},"sections":[]}]""", "$[0].header.severity" },
        { "hest", """{"sources":[{"type":"ghesV2","notification":{"type":"carrier-pigeon"}}]}""", "$.sources[0].notification.type" },
        { "scenario", """{"guest":5}""", "$.guest" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryJsonInputErrorIsOneTypeWithThePathAtFault(string kind, string json, string path)
    {
        Action read = kind switch
        {
            "cper" => () => CperJsonReader.ReadRecords(System.Text.Encoding.UTF8.GetBytes(json)),
            "hest" => () => HestSpec.Parse(json),
            _ => () => ScenarioReader.Read(json),
        };
        var e = Assert.ThrowsAny<ApeiJsonException>(read);
        Assert.Equal(path, e.Path);
        Assert.Equal($"{e.Path}: {e.Problem}", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Problem));
    }
}
