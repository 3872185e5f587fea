using System.Text;

namespace ModelCompress.Core.Demo;

/// <summary>One multiple-choice question about the demo world: a context, choices to continue it, the right one.</summary>
public sealed record DemoQuestion(string Id, string Context, IReadOnlyList<string> Choices, int Gold);

/// <summary>
/// A small made-up world for the built-in offline pipeline: 24 people, each with a city, a pet of some colour and a food,
/// drawn with a seed. Its text states the facts in varied sentences; its questions ask the model to complete a fact
/// ("Anna lives in" → " Oslo"), so a model must have learned the facts to answer — and loses some when layers go.
/// </summary>
public sealed class DemoWorld
{
    public static readonly string[] People =
        ["Anna", "Ben", "Cleo", "Dan", "Eva", "Finn", "Gina", "Hugo", "Ida", "Jack", "Kira", "Leo",
         "Mia", "Nico", "Olga", "Paul", "Rosa", "Sam", "Tara", "Ugo", "Vera", "Will", "Yara", "Zeno"];
    public static readonly string[] Cities = ["Paris", "Rome", "Oslo", "Lima", "Cairo", "Tokyo"];
    public static readonly string[] Animals = ["cat", "dog", "fox", "owl", "goat", "duck"];
    public static readonly string[] Colors = ["red", "blue", "green", "yellow", "black", "white"];
    public static readonly string[] Foods = ["bread", "rice", "soup", "cake", "fish", "apples"];

    private readonly record struct Person(string Name, string City, string Animal, string Color, string Food);
    private readonly Person[] people;

    public DemoWorld(int seed)
    {
        var random = new Random(seed);
        people = People.Select(n => new Person(n, Pick(random, Cities), Pick(random, Animals), Pick(random, Colors), Pick(random, Foods)))
            .ToArray();
    }

    /// <summary>Every word the text and questions use, for the demo tokenizer's vocabulary.</summary>
    public static IEnumerable<string> Words =>
        People.Concat(Cities).Concat(Animals).Concat(Colors).Concat(Foods)
            .Concat(["lives", "in", "has", "a", "likes", "to", "eat", "Every", "morning", "walks", "the", "with", "its", "friend",
                     "visits", "home", "is", "and", "pet", "from", "loves", "of", "In", "there"]);

    /// <summary><paramref name="sentences"/> sentences about random people, five to a line, drawn with <paramref name="seed"/>.</summary>
    public string Text(int sentences, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder();
        for (int i = 0; i < sentences; i++)
        {
            var p = people[random.Next(people.Length)];
            text.Append(random.Next(8) switch
            {
                0 => $"{p.Name} lives in {p.City}.",
                1 => $"{p.Name} has a {p.Color} {p.Animal}.",
                2 => $"{p.Name} likes to eat {p.Food}.",
                3 => $"Every morning {p.Name} walks the {p.Color} {p.Animal} in {p.City}.",
                4 => $"In {p.City} there is {p.Name} with a {p.Animal}.",
                5 => $"{p.Name} is from {p.City} and loves {p.Food}.",
                6 => $"The pet of {p.Name} is a {p.Color} {p.Animal}.",
                _ => $"{p.Name} visits a friend and eats {p.Food}.",
            });
            text.Append((i + 1) % 5 == 0 ? '\n' : ' ');
        }
        return text.ToString();
    }

    /// <summary>Three questions per person (city, pet colour, food), each with four choices; distractors drawn with the seed.</summary>
    public IReadOnlyList<DemoQuestion> Questions(int seed)
    {
        var random = new Random(seed);
        var questions = new List<DemoQuestion>();
        foreach (var p in people)
        {
            questions.Add(Question(random, $"{p.Name}-city", $"{p.Name} lives in", p.City, Cities));
            questions.Add(Question(random, $"{p.Name}-color", $"{p.Name} has a", p.Color, Colors));
            questions.Add(Question(random, $"{p.Name}-food", $"{p.Name} likes to eat", p.Food, Foods));
        }
        return questions;
    }

    private static DemoQuestion Question(Random random, string id, string context, string answer, string[] pool)
    {
        var choices = pool.Where(x => x != answer).OrderBy(_ => random.Next()).Take(3).Append(answer).OrderBy(_ => random.Next()).ToList();
        return new DemoQuestion(id, context, choices.Select(c => " " + c).ToList(), choices.IndexOf(answer));
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
