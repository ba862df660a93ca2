package demo

import (
	"fmt"
	"strings"

	"vaxbook/regions"

	"vaxbook"
)

// DefaultSites is the number of sites the demo loads: about the 14,000 contracted clinics
// and vaccination centres of the 2021 round.
const DefaultSites = 14000

// Site kinds, as vaxbook.Site.Kind holds them.
const (
	KindClinic = "clinic"
	KindCentre = "centre"
)

// clinicKinds are the specialties of contracted clinics (위탁의료기관) with their weight.
// Internal and family medicine did most COVID-19 vaccinations; "병원" is a small
// hospital, which gets a larger daily quantity (see Capacities).
var clinicKinds = []struct {
	Suffix string
	Weight int
}{
	{"내과의원", 30}, {"가정의학과의원", 14}, {"의원", 12}, {"소아청소년과의원", 10},
	{"이비인후과의원", 10}, {"병원", 7}, {"정형외과의원", 6}, {"산부인과의원", 4},
	{"외과의원", 4}, {"연합의원", 3},
}

// clinicKindWeights and clinicKindTotal are clinicKinds' weights for stream.pick.
var clinicKindWeights, clinicKindTotal = func() ([]int, int) {
	w := make([]int, len(clinicKinds))
	sum := 0
	for i, k := range clinicKinds {
		w[i] = k.Weight
		sum += k.Weight
	}
	return w, sum
}()

// clinicWords are the words clinics are commonly named with when not after their doctor
// or their neighbourhood.
var clinicWords = []string{
	"연세", "서울", "행복한", "바른", "미래", "튼튼", "사랑", "하나", "우리", "참", "새",
	"좋은", "밝은", "365열린", "제일", "중앙", "한빛", "푸른", "건강한", "믿음", "으뜸",
	"온누리", "다정", "늘푸른", "참사랑", "한마음", "새봄", "아름", "365", "성모",
}

// roadNames are road names found in many Korean towns, for the road-name addresses
// (도로명주소) of sites.
var roadNames = []string{
	"중앙로", "시청로", "번영로", "문화로", "역전로", "학교로", "공원로", "강변로", "평화로",
	"희망로", "새마을로", "큰길로", "시장로", "동산로", "청사로", "남부로", "북부로",
	"동부로", "서부로", "신촌로", "대학로", "산업로",
}

// centreRoads are where vaccination centres stand: by the district office.
var centreRoads = []string{"시청로", "청사로", "중앙로"}

// Sites returns n vaccination sites with IDs 1…n, spread over the 17 provinces and their
// districts in proportion to population: every province gets a site once n ≥ 17 and every
// district once n is large enough, and every district with two or more sites gets one
// vaccination centre (예방접종센터, Kind "centre", 250 at the default size); the rest are
// clinics. Sites are ordered by province, then district, so IDs follow the
// administrative codes. Where sites are is the same for every seed; names and addresses
// depend on it.
func Sites(n int, seed int64) []vaxbook.Site {
	if n <= 0 {
		return nil
	}
	provWeights := make([]int, len(regions.All()))
	for i, p := range regions.All() {
		for _, d := range p.Districts {
			provWeights[i] += d.Population
		}
	}
	sites := make([]vaxbook.Site, 0, n)
	for pi, pn := range apportion(n, provWeights) {
		p := regions.All()[pi]
		distWeights := make([]int, len(p.Districts))
		for i, d := range p.Districts {
			distWeights[i] = d.Population
		}
		for di, dn := range apportion(pn, distWeights) {
			for k := range dn {
				id := int64(len(sites) + 1)
				sites = append(sites, newSite(id, seed, p.Name, p.Districts[di].Name, k == 0 && dn >= 2))
			}
		}
	}
	return sites
}

// newSite makes site id in a district; its name and address come from the site's own
// stream, so they do not change when another site is added before it.
func newSite(id, seed int64, provinceName, districtName string, centre bool) vaxbook.Site {
	s := newStream(seed, kindSite, uint64(id))
	site := vaxbook.Site{ID: id, Province: provinceName, District: districtName, Kind: KindClinic,
		Phone: sitePhone(id, seed, provinceName)}
	place := provinceName
	if districtName != provinceName {
		place += " " + districtName
	}
	if centre {
		site.Kind = KindCentre
		site.Name = districtName + " 예방접종센터"
		// Centres were set up in gymnasiums and halls next to the district office.
		site.Address = fmt.Sprintf("%s %s %d", place, centreRoads[s.intn(len(centreRoads))], 1+s.intn(120))
		return site
	}
	suffix := clinicKinds[s.pick(clinicKindWeights, clinicKindTotal)].Suffix
	var prefix string
	switch r := s.intn(10); {
	case r < 4:
		prefix = clinicWords[s.intn(len(clinicWords))]
	case r < 7:
		prefix = stem(districtName)
	default: // named after the doctor, as many Korean clinics are
		given := givenNames[s.intn(2)]
		prefix = surnames[s.pick(surnameWeights, surnameTotal)].Name + given[s.intn(len(given))]
	}
	site.Name = prefix + suffix
	road := roadNames[s.intn(len(roadNames))]
	switch r := s.intn(10); {
	case r < 3:
		road = stem(districtName) + "로"
	case r < 6:
		road = fmt.Sprintf("%s%d번길", road, 1+s.intn(60))
	}
	site.Address = fmt.Sprintf("%s %s %d", place, road, 1+s.intn(300))
	return site
}

// areaCodes are the telephone area codes of the provinces (서울 02, 부산 051, …).
var areaCodes = map[string]string{
	"서울특별시": "02", "부산광역시": "051", "대구광역시": "053", "인천광역시": "032",
	"광주광역시": "062", "대전광역시": "042", "울산광역시": "052", "세종특별자치시": "044",
	"경기도": "031", "강원도": "033", "충청북도": "043", "충청남도": "041", "전라북도": "063",
	"전라남도": "061", "경상북도": "054", "경상남도": "055", "제주특별자치도": "064",
}

// sitePhone returns site id's telephone number under its province's area code. It comes
// from a stream of its own, so that adding phones changed no site's name or address.
func sitePhone(id, seed int64, provinceName string) string {
	s := newStream(seed, kindSitePhone, uint64(id))
	code, ok := areaCodes[provinceName]
	if !ok {
		code = "02"
	}
	return fmt.Sprintf("%s-%d-%04d", code, 200+s.intn(800), s.intn(10000))
}

// stem returns a district's name without its ward or city of a city ward and without
// the 구/시/군 ending: "강남구" → "강남", "수원시 장안구" → "장안", "세종특별자치시" → "세종".
func stem(district string) string {
	if i := strings.LastIndexByte(district, ' '); i >= 0 {
		district = district[i+1:]
	}
	if s, ok := strings.CutSuffix(district, "특별자치시"); ok {
		return s
	}
	r := []rune(district)
	if len(r) > 2 {
		return string(r[:len(r)-1])
	}
	return district // "중구" → "중구": a one-syllable stem reads oddly
}

// apportion splits n into len(weights) whole parts proportional to weights by the
// largest-remainder method, ties to the lower index. When n ≥ len(weights) every part is
// then raised to at least one, taken from the largest part, so that no province or
// district is left without a site.
func apportion(n int, weights []int) []int {
	parts := make([]int, len(weights))
	total := 0
	for _, w := range weights {
		total += w
	}
	if n <= 0 || total <= 0 {
		return parts
	}
	rems := make([]int, len(weights))
	given := 0
	for i, w := range weights {
		parts[i] = n * w / total
		given += parts[i]
		rems[i] = n * w % total
	}
	for ; given < n; given++ {
		i := argmax(rems)
		parts[i]++
		rems[i] = -1
	}
	if n >= len(weights) {
		for i := range parts {
			if parts[i] == 0 {
				parts[argmax(parts)]--
				parts[i] = 1
			}
		}
	}
	return parts
}

// argmax returns the index of the largest element, the lowest index among equals.
func argmax(xs []int) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}
