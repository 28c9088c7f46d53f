package translate

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The participle grammar gives a filter its shape: primitives joined by
// and/or (equal precedence, left to right), not, and parentheses. What the
// words of a primitive mean is decided afterwards (resolve.go), because the
// same word is a keyword, a host, a port or a protocol name depending on
// the words before it.

// never matches: the token types Bool, Not and Dir are produced by
// remapping Word and Sym tokens, not by the scanner.
const never = `[^\x00-\x{10FFFF}]`

var filterLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "String", Pattern: `"[^"]*"`},
	{Name: "Sym", Pattern: `&&|\|\||>=|<=|!=|==|[<>=]`},
	{Name: "Bang", Pattern: `!`},
	{Name: "Punct", Pattern: `[()]`},
	{Name: "Word", Pattern: `\\?[-+]?[A-Za-z0-9_.:/][-A-Za-z0-9_.:/]*`},
	{Name: "Space", Pattern: `[ \t\r\n]+`},
	{Name: "Bool", Pattern: never},
	{Name: "Not", Pattern: never},
	{Name: "Dir", Pattern: never},
})

// classify turns the operator words into their own token types so that a
// primitive's word list stops at them.
func classify(t lexer.Token) (lexer.Token, error) {
	switch t.Value {
	case "and", "or", "&&", "||":
		t.Type = filterLexer.Symbols()["Bool"]
	case "not", "!":
		t.Type = filterLexer.Symbols()["Not"]
	case "src", "dst":
		t.Type = filterLexer.Symbols()["Dir"]
	}
	return t, nil
}

// gExpr is a chain of terms joined by and/or, grouped left to right.
type gExpr struct {
	Head *gUnary   `parser:"@@"`
	Tail []*gChain `parser:"@@*"`
}

type gChain struct {
	Pos  lexer.Position
	Op   string  `parser:"@Bool"`
	Term *gUnary `parser:"@@"`
}

type gUnary struct {
	Pos  lexer.Position
	Nots []string `parser:"@Not*"`
	Atom *gAtom   `parser:"@@"`
}

type gAtom struct {
	Pos  lexer.Position
	Sub  *gExpr `parser:"  \"(\" @@ \")\""`
	Prim *gPrim `parser:"| @@"`
}

// gPrim is one primitive: qualifier, keyword and value words.
type gPrim struct {
	Pos   lexer.Position
	Items []*gItem `parser:"@@+"`
}

type gItem struct {
	Pos   lexer.Position
	Dir   *gDir   `parser:"  @@"`
	Group *gGroup `parser:"| \"(\" @@ \")\""`
	Word  string  `parser:"| @(Word | String | Sym)"`
}

// gGroup is a parenthesised list of values after a primitive's keyword,
// "port (53 or 80)", "host (A or not B)": each value takes the words
// before the parenthesis (Argus 3.0.8 accepts it; nested parentheses are
// a syntax error there too).
type gGroup struct {
	Head *gMember       `parser:"@@"`
	Tail []*gMemberNext `parser:"@@*"`
}

type gMemberNext struct {
	Pos    lexer.Position
	Op     string   `parser:"@Bool"`
	Member *gMember `parser:"@@"`
}

type gMember struct {
	Pos   lexer.Position
	Nots  []string `parser:"@Not*"`
	Words []*gWord `parser:"@@+"`
}

type gWord struct {
	Pos  lexer.Position
	Text string `parser:"@(Word | String | Sym)"`
}

// gDir is a direction qualifier: src, dst, "src or dst", "src and dst", …
type gDir struct {
	First  string `parser:"@Dir"`
	Op     string `parser:"( @Bool"`
	Second string `parser:"  @Dir )?"`
}

var filterParser = participle.MustBuild[gExpr](
	participle.Lexer(filterLexer),
	participle.Elide("Space"),
	participle.Map(classify, "Word", "Sym", "Bang"),
	participle.UseLookahead(3),
)
