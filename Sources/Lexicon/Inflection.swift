/// Candidate lemmas for an inflected word: suffixes stripped or rewritten by per-language rules, plus a
/// few irregular forms. It over-generates on purpose ("mangeons" → "manger", "mangeon", "mangeo" …);
/// the caller keeps only candidates that are headwords of its dictionary.
///
/// Rules work on folded words (`LookupKey.folded`: lower case, no accents), so one rule covers
/// "mangé" and "mange", and umlaut plurals fold onto their singular ("Häuser" → "hauser" → "haus").
///
/// Languages (ISO 639-3): English `eng`, French `fra`, German `deu`, Spanish `spa`, Italian `ita`,
/// Portuguese `por`, Dutch `nld`.
///
/// ```swift
/// Inflection.candidates(for: "mangeons", language: "fra")   // [..., "manger", ...]
/// Inflection.candidates(for: "children", language: "eng")   // ["child", ...]
/// ```
public enum Inflection {
  /// The languages with rules.
  public static let languages = ["eng", "fra", "deu", "spa", "ita", "por", "nld"]

  /// Candidate lemmas (folded) for `word`, most likely first, without `word` itself.
  ///
  /// - Parameter language: ISO 639-3 code; nil tries every language's rules.
  public static func candidates(for word: String, language: String?) -> [String] {
    let folded = LookupKey.folded(word)
    let chosen = language.flatMap { code in languages.contains(code) ? [code] : nil } ?? languages
    var seen: Set<String> = [folded]
    var result: [String] = []
    func add(_ candidate: String) {
      guard candidate.count >= 2, seen.insert(candidate).inserted else { return }
      result.append(candidate)
    }
    for code in chosen {
      if let lemmas = irregular[code]?[folded] { lemmas.forEach(add) }
    }
    for code in chosen {
      for rule in rules[code] ?? [] {
        for candidate in rule.apply(to: folded) { add(candidate) }
      }
    }
    return result
  }

  /// One rewrite: a word ending in `suffix` (with a stem of at least `minimumStem` characters) becomes
  /// stem + `replacement`. `prefix` must also be present and is removed (German/Dutch "ge-…-t").
  struct Rule: Sendable {
    let suffix: String
    let replacement: String
    var prefix: String = ""
    var minimumStem = 2
    /// Also try the stem with a doubled final consonant undone ("stopped" → "stop", "katten" → "kat").
    var undouble = false
    /// Also try the stem with its last vowel doubled ("bom" → "boom"), for Dutch open syllables.
    var lengthen = false

    func apply(to word: String) -> [String] {
      guard word.hasSuffix(suffix), word.hasPrefix(prefix) else { return [] }
      let stem = String(word.dropFirst(prefix.count).dropLast(suffix.count))
      guard stem.count >= minimumStem else { return [] }
      var out = [stem + replacement]
      if undouble, let last = stem.last, stem.count >= 3, stem.dropLast().last == last, !"aeiouy".contains(last) {
        out.append(String(stem.dropLast()) + replacement)
      }
      if lengthen, stem.count >= 2 {
        let characters = Array(stem)
        let vowel = characters[characters.count - 2], consonant = characters[characters.count - 1]
        let beforeVowel = characters.count >= 3 ? characters[characters.count - 3] : " "
        if "aeou".contains(vowel), !"aeiouy".contains(consonant), !"aeiouy".contains(beforeVowel) {
          out.append(String(characters.dropLast()) + String(vowel) + String(consonant) + replacement)
        }
      }
      return out
    }
  }

  private static func rewrite(_ pairs: [(String, String)], prefix: String = "", undouble: Bool = false) -> [Rule] {
    pairs.map { Rule(suffix: $0.0, replacement: $0.1, prefix: prefix, undouble: undouble) }
  }

  private static func endings(_ suffixes: [String], to replacement: String, undouble: Bool = false) -> [Rule] {
    suffixes.map { Rule(suffix: $0, replacement: replacement, undouble: undouble) }
  }

  static let rules: [String: [Rule]] = [
    "eng": rewrite([("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("ves", "f"), ("ves", "fe"), ("men", "man"),
                    ("ily", "y")])
      + endings(["ing", "ed", "er", "est"], to: "", undouble: true)
      + endings(["ing", "ed", "er", "est", "es", "s"], to: "e")
      + endings(["es", "s", "ly", "'s"], to: ""),
    "fra": rewrite([("aux", "al"), ("eaux", "eau"), ("euse", "eur"), ("euses", "eur"), ("euse", "eux"), ("euses", "eux"), ("ive", "if"), ("ives", "if"),
                    ("ere", "er"), ("eres", "er"), ("elle", "el"), ("elles", "el"), ("enne", "en"), ("ennes", "en"),
                    ("trice", "teur"), ("trices", "teur"), ("eons", "er"), ("cons", "cer"), ("gea", "ger"),
                    ("geais", "ger"), ("geait", "ger"), ("geaient", "ger"), ("geant", "ger")])
      + endings(["s", "x", "e", "es"], to: "")
      // -er verbs: present, imperfect, simple past, future, conditional, participles.
      + endings(["e", "es", "ons", "ez", "ent", "ai", "as", "a", "ames", "ates", "erent", "erai", "eras", "era",
                 "erons", "erez", "eront", "erais", "erait", "erions", "eriez", "eraient", "ais", "ait", "ions", "iez",
                 "aient", "ant", "ee", "ees", "es", "asse", "at"], to: "er")
      // -ir verbs (finir).
      + endings(["is", "it", "issons", "issez", "issent", "issais", "issait", "issions", "issiez", "issaient", "irai",
                 "iras", "ira", "irons", "irez", "iront", "irais", "irait", "i", "ie", "ies", "issant", "irent"], to: "ir")
      // -re verbs (vendre, prendre).
      + endings(["s", "t", "ons", "ez", "ent", "u", "ue", "us", "ues", "ais", "ait", "aient", "ant", "rai", "ra", "rons",
                 "rez", "ront", "is", "it"], to: "re"),
    "deu": [Rule(suffix: "t", replacement: "en", prefix: "ge"), Rule(suffix: "en", replacement: "en", prefix: "ge"),
            Rule(suffix: "et", replacement: "en", prefix: "ge")]
      + endings(["e", "en", "n", "er", "es", "s", "ern", "em", "nen"], to: "")
      // verbs: present, past, participle without ge-; zu-infinitives are headwords already.
      + endings(["e", "st", "t", "et", "est", "te", "test", "ten", "tet", "end"], to: "en")
      + endings(["st", "t", "te", "ten"], to: "n")
      // comparative and superlative of adjectives.
      + endings(["er", "ere", "eren", "erer", "st", "ste", "sten", "ster", "este", "esten"], to: ""),
    "spa": rewrite([("ces", "z"), ("iendo", "er"), ("iendo", "ir"), ("yendo", "er")])
      + endings(["s", "es"], to: "")
      + endings(["a", "as", "os"], to: "o")
      + endings(["o", "as", "a", "amos", "ais", "an", "e", "es", "emos", "en", "ando", "ado", "ada", "ados", "adas", "aste",
                 "o", "asteis", "aron", "aba", "abas", "abamos", "abais", "aban", "are", "aras", "ara", "aremos", "aran",
                 "aria", "arias", "ariamos", "arian"], to: "ar")
      + endings(["o", "es", "e", "emos", "eis", "en", "ido", "ida", "idos", "idas", "i", "iste", "io", "ieron", "ia", "ias",
                 "iamos", "ian", "ere", "eras", "era", "eremos", "eran", "eria", "erian"], to: "er")
      + endings(["o", "es", "e", "imos", "is", "en", "ido", "ida", "idos", "idas", "i", "iste", "io", "ieron", "ia", "ias",
                 "iamos", "ian", "ire", "iras", "ira", "iremos", "iran", "iria", "irian"], to: "ir"),
    "ita": rewrite([("che", "ca"), ("chi", "co"), ("ghe", "ga"), ("ghi", "go"), ("ero", "are"), ("erai", "are"),
                    ("era", "are"), ("eremo", "are"), ("erete", "are"), ("eranno", "are"), ("isco", "ire"), ("isci", "ire"),
                    ("isce", "ire"), ("iscono", "ire")])
      + endings(["i", "a", "e"], to: "o")
      + endings(["i"], to: "e")
      + endings(["e"], to: "a")
      + endings(["o", "i", "a", "iamo", "ate", "ano", "ato", "ata", "ati", "ate", "ando", "avo", "avi", "ava", "avamo",
                 "avate", "avano", "ai", "o", "ammo", "aste", "arono"], to: "are")
      + endings(["o", "i", "e", "iamo", "ete", "ono", "uto", "uta", "uti", "ute", "endo", "evo", "evi", "eva", "evamo",
                 "evate", "evano", "ero", "erai", "era", "eremo", "erete", "eranno"], to: "ere")
      + endings(["o", "i", "e", "iamo", "ite", "ono", "ito", "ita", "iti", "ite", "endo", "ivo", "ivi", "iva", "ivamo",
                 "ivate", "ivano", "iro", "irai", "ira", "iremo", "irete", "iranno"], to: "ire"),
    "por": rewrite([("oes", "ao"), ("aes", "ao"), ("ais", "al"), ("eis", "el"), ("ois", "ol"), ("uis", "ul"), ("ns", "m"),
                    ("is", "il")])
      + endings(["s", "es"], to: "")
      + endings(["a", "as", "os"], to: "o")
      + endings(["o", "as", "a", "amos", "ais", "am", "ando", "ado", "ada", "ados", "adas", "ei", "ou", "aram", "ava",
                 "avas", "avamos", "avam", "arei", "ara", "aremos", "arao", "aria", "ariam", "e", "es", "em"], to: "ar")
      + endings(["o", "es", "e", "emos", "eis", "em", "endo", "ido", "ida", "idos", "idas", "i", "eu", "eram", "ia", "iam",
                 "erei", "era", "eremos", "erao", "eria"], to: "er")
      + endings(["o", "es", "e", "imos", "is", "em", "indo", "ido", "ida", "idos", "idas", "i", "iu", "iram", "ia", "iam",
                 "irei", "ira", "iremos", "irao", "iria"], to: "ir"),
    "nld": [Rule(suffix: "d", replacement: "en", prefix: "ge"), Rule(suffix: "t", replacement: "en", prefix: "ge"),
            Rule(suffix: "en", replacement: "en", prefix: "ge")]
      + rewrite([("zen", "s"), ("ven", "f"), ("ze", "s"), ("ve", "f"), ("'s", ""), ("eren", "")])
      + endings(["en", "e", "er", "ere", "st", "ste"], to: "", undouble: true)
      + endings(["s"], to: "")
      + endings(["t", "te", "ten", "de", "den"], to: "en")
      // Open syllables: "bomen" → "boom", "grote" → "groot", "manen" → "maan".
      + [Rule(suffix: "en", replacement: "", lengthen: true), Rule(suffix: "e", replacement: "", lengthen: true)],
  ]

  /// Irregular forms (folded) → lemmas, for the commonest verbs and nouns.
  static let irregular: [String: [String: [String]]] = [
    "eng": ["was": ["be"], "were": ["be"], "is": ["be"], "are": ["be"], "am": ["be"], "been": ["be"], "went": ["go"],
            "gone": ["go"], "had": ["have"], "has": ["have"], "did": ["do"], "done": ["do"], "made": ["make"],
            "said": ["say"], "took": ["take"], "taken": ["take"], "saw": ["see"], "seen": ["see"], "came": ["come"],
            "ran": ["run"], "ate": ["eat"], "eaten": ["eat"], "children": ["child"], "men": ["man"], "women": ["woman"],
            "feet": ["foot"], "teeth": ["tooth"], "mice": ["mouse"], "better": ["good"], "best": ["good"],
            "worse": ["bad"], "worst": ["bad"], "knew": ["know"], "known": ["know"], "thought": ["think"],
            "brought": ["bring"], "bought": ["buy"], "found": ["find"], "gave": ["give"], "given": ["give"],
            "wrote": ["write"], "written": ["write"], "spoke": ["speak"], "spoken": ["speak"]],
    "fra": ["suis": ["etre"], "es": ["etre"], "est": ["etre"], "sommes": ["etre"], "etes": ["etre"], "sont": ["etre"],
            "etait": ["etre"], "etais": ["etre"], "etaient": ["etre"], "ete": ["etre"], "fut": ["etre"], "sera": ["etre"],
            "ai": ["avoir"], "as": ["avoir"], "a": ["avoir"], "avons": ["avoir"], "avez": ["avoir"], "ont": ["avoir"],
            "avait": ["avoir"], "eu": ["avoir"], "aura": ["avoir"], "vais": ["aller"], "vas": ["aller"], "va": ["aller"],
            "allons": ["aller"], "allez": ["aller"], "vont": ["aller"], "ira": ["aller"], "fais": ["faire"],
            "fait": ["faire"], "faisons": ["faire"], "faites": ["faire"], "font": ["faire"], "fera": ["faire"],
            "peux": ["pouvoir"], "peut": ["pouvoir"], "pouvons": ["pouvoir"], "peuvent": ["pouvoir"], "pu": ["pouvoir"],
            "veux": ["vouloir"], "veut": ["vouloir"], "voulons": ["vouloir"], "veulent": ["vouloir"],
            "dois": ["devoir"], "doit": ["devoir"], "doivent": ["devoir"], "du": ["devoir"], "sais": ["savoir"],
            "sait": ["savoir"], "savent": ["savoir"], "su": ["savoir"], "vu": ["voir"], "vois": ["voir"],
            "voit": ["voir"], "voient": ["voir"], "pris": ["prendre"], "prend": ["prendre"], "prennent": ["prendre"],
            "mis": ["mettre"], "dit": ["dire"], "disent": ["dire"], "yeux": ["oeil"], "belle": ["beau"], "nouvelle": ["nouveau"],
            "vieille": ["vieux"]],
    "deu": ["bin": ["sein"], "bist": ["sein"], "ist": ["sein"], "sind": ["sein"], "seid": ["sein"], "war": ["sein"],
            "warst": ["sein"], "waren": ["sein"], "gewesen": ["sein"], "hat": ["haben"], "hast": ["haben"],
            "hatte": ["haben"], "hatten": ["haben"], "gehabt": ["haben"], "wird": ["werden"], "wirst": ["werden"],
            "wurde": ["werden"], "wurden": ["werden"], "geworden": ["werden"], "ging": ["gehen"], "gingen": ["gehen"],
            "gegangen": ["gehen"], "kam": ["kommen"], "kamen": ["kommen"], "gekommen": ["kommen"], "sah": ["sehen"],
            "gesehen": ["sehen"], "sieht": ["sehen"], "gab": ["geben"], "gibt": ["geben"], "gegeben": ["geben"],
            "nahm": ["nehmen"], "nimmt": ["nehmen"], "genommen": ["nehmen"], "las": ["lesen"], "liest": ["lesen"],
            "gelesen": ["lesen"], "kann": ["konnen"], "konnte": ["konnen"], "muss": ["mussen"], "musste": ["mussen"],
            "will": ["wollen"], "wollte": ["wollen"], "weiss": ["wissen"], "wusste": ["wissen"], "isst": ["essen"],
            "ass": ["essen"], "gegessen": ["essen"], "spricht": ["sprechen"], "sprach": ["sprechen"],
            "gesprochen": ["sprechen"], "fuhr": ["fahren"], "fahrt": ["fahren"], "gefahren": ["fahren"],
            // contractions of preposition and article
            "im": ["in"], "ins": ["in"], "am": ["an"], "ans": ["an"], "zum": ["zu"], "zur": ["zu"], "vom": ["von"],
            "beim": ["bei"]],
    "spa": ["soy": ["ser"], "eres": ["ser"], "es": ["ser"], "somos": ["ser"], "son": ["ser"], "era": ["ser"],
            "fue": ["ser", "ir"], "fui": ["ser", "ir"], "estoy": ["estar"], "esta": ["estar"], "estan": ["estar"],
            "voy": ["ir"], "vas": ["ir"], "va": ["ir"], "vamos": ["ir"], "van": ["ir"], "iba": ["ir"], "he": ["haber"],
            "ha": ["haber"], "han": ["haber"], "hay": ["haber"], "tengo": ["tener"], "tiene": ["tener"],
            "tienen": ["tener"], "hago": ["hacer"], "hace": ["hacer"], "hizo": ["hacer"], "hecho": ["hacer"],
            "puedo": ["poder"], "puede": ["poder"], "pueden": ["poder"], "quiero": ["querer"], "quiere": ["querer"],
            "dijo": ["decir"], "dice": ["decir"], "digo": ["decir"]],
    "ita": ["sono": ["essere"], "sei": ["essere"], "e": ["essere"], "siamo": ["essere"], "siete": ["essere"],
            "era": ["essere"], "stato": ["essere", "stare"], "ho": ["avere"], "hai": ["avere"], "ha": ["avere"],
            "abbiamo": ["avere"], "hanno": ["avere"], "vado": ["andare"], "vai": ["andare"], "va": ["andare"],
            "vanno": ["andare"], "faccio": ["fare"], "fa": ["fare"], "fatto": ["fare"], "detto": ["dire"]],
    "por": ["sou": ["ser"], "es": ["ser"], "e": ["ser"], "somos": ["ser"], "sao": ["ser"], "era": ["ser"],
            "foi": ["ser", "ir"], "estou": ["estar"], "esta": ["estar"], "estao": ["estar"], "vou": ["ir"],
            "vai": ["ir"], "vamos": ["ir"], "vao": ["ir"], "tenho": ["ter"], "tem": ["ter"], "tinha": ["ter"],
            "faco": ["fazer"], "faz": ["fazer"], "feito": ["fazer"], "disse": ["dizer"]],
    "nld": ["ben": ["zijn"], "bent": ["zijn"], "is": ["zijn"], "was": ["zijn"], "waren": ["zijn"],
            "geweest": ["zijn"], "heb": ["hebben"], "hebt": ["hebben"], "heeft": ["hebben"], "had": ["hebben"],
            "gehad": ["hebben"], "ga": ["gaan"], "gaat": ["gaan"], "ging": ["gaan"], "gegaan": ["gaan"],
            "kom": ["komen"], "komt": ["komen"], "kwam": ["komen"], "gekomen": ["komen"], "kinderen": ["kind"]],
  ]
}
