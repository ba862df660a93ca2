package demo

// surnames are the most common Korean family names with their share of the population
// in units of 0.01 % (2015 census, rounded); the 50 listed cover about 95 % of people.
var surnames = []struct {
	Name  string
	Share int
}{
	{"김", 2150}, {"이", 1470}, {"박", 840}, {"최", 470}, {"정", 430}, {"강", 230},
	{"조", 210}, {"윤", 210}, {"장", 200}, {"임", 170}, {"한", 150}, {"오", 150},
	{"서", 150}, {"신", 150}, {"권", 140}, {"황", 140}, {"안", 140}, {"송", 130},
	{"전", 110}, {"홍", 110}, {"유", 110}, {"고", 90}, {"문", 90}, {"양", 80},
	{"손", 80}, {"배", 80}, {"백", 70}, {"허", 70}, {"남", 50}, {"심", 50},
	{"노", 40}, {"하", 40}, {"곽", 40}, {"성", 40}, {"차", 40}, {"주", 40},
	{"우", 40}, {"구", 40}, {"민", 30}, {"류", 30}, {"나", 30}, {"진", 30},
	{"지", 30}, {"엄", 30}, {"채", 30}, {"원", 30}, {"천", 20}, {"방", 20},
	{"공", 20}, {"현", 20},
}

// surnameWeights and surnameTotal are surnames' shares laid out for stream.pick.
var surnameWeights, surnameTotal = func() ([]int, int) {
	w := make([]int, len(surnames))
	sum := 0
	for i, s := range surnames {
		w[i] = s.Share
		sum += s.Share
	}
	return w, sum
}()

// givenNames are given names common among people born 1972–2003, for men (index 0)
// and women (index 1). Real names read better in a demo than random syllable pairs.
var givenNames = [2][]string{{
	"민준", "지훈", "현우", "준호", "성민", "동현", "정훈", "상훈", "성호", "영호", "영수", "재현",
	"준영", "승현", "민수", "진우", "도현", "건우", "성진", "태현", "재훈", "상현", "민재", "우진",
	"준혁", "현준", "승민", "동욱", "정호", "성훈", "종민", "경민", "민호", "태훈", "재원", "형준",
	"지환", "시우", "주원", "영진", "상우", "용준", "광수", "철민", "병철", "기현", "대호", "석진",
	"준서", "은우", "지성", "재민", "수현", "한결", "동건", "세훈", "진혁", "용호", "창민", "승우",
}, {
	"서연", "지영", "수진", "미영", "은지", "지현", "민지", "혜진", "유진", "은영", "선영", "지은",
	"수연", "현정", "정은", "미정", "은정", "지혜", "혜원", "소영", "수정", "민정", "지원", "하은",
	"서현", "예은", "지민", "수빈", "예진", "다은", "윤서", "채원", "가영", "나연", "보람", "슬기",
	"아름", "미경", "경희", "영미", "은주", "현주", "세영", "하나", "지수", "유나", "서영", "연주",
	"은비", "다현", "소연", "혜린", "주희", "미선", "정민", "효진", "민경", "은혜", "선희", "예린",
}}

// foreignFamily and foreignGiven make the names of registered foreigners as their residence cards spell them
// (Latin capitals), drawn from the largest groups in Korea: Chinese (including ethnic
// Koreans), Vietnamese, Thai, Uzbek, Filipino, Mongolian and American residents.
var foreignFamily = []string{
	"WANG", "LI", "ZHANG", "LIU", "CHEN", "JIN", "PIAO", "NGUYEN", "TRAN", "LE",
	"PHAM", "SOMCHAI", "KARIMOV", "RAHIMOV", "SANTOS", "REYES", "BATBAYAR", "SMITH",
	"JOHNSON",
}

// foreignGiven is the given-name half of foreignFamily.
var foreignGiven = []string{
	"WEI", "JING", "MING", "HUA", "YAN", "THI MAI", "VAN AN", "THI HOA", "DUC MINH",
	"ANAN", "ALISHER", "DILNOZA", "MARIA", "JOSE", "ANNA", "GANBOLD", "JOHN", "EMILY",
}

// Carrier is a mobile carrier as the development carrier presents it: a stable code (the
// identity.Subscriber Carrier value), labels in Korean and English, and its share of
// subscribers in percent (2021, rounded).
type Carrier struct {
	Code    string
	Korean  string
	English string
	Share   int
}

// carriers holds the four codes of identity.Subscriber. MVNOs (알뜰폰) resell the
// networks of the other three; their users verify through a separate button.
var carriers = []Carrier{
	{"SKT", "SKT", "SK Telecom", 45},
	{"KT", "KT", "KT", 30},
	{"LGU+", "LG U+", "LG U+", 20},
	{"MVNO", "알뜰폰", "MVNO (budget carriers)", 5},
}

// carrierWeights and carrierTotal are carriers' shares laid out for stream.pick.
var carrierWeights, carrierTotal = func() ([]int, int) {
	w := make([]int, len(carriers))
	sum := 0
	for i, c := range carriers {
		w[i] = c.Share
		sum += c.Share
	}
	return w, sum
}()

// Carriers returns the carriers of the synthetic population, largest first.
func Carriers() []Carrier { return append([]Carrier(nil), carriers...) }

// CarrierByCode returns the carrier with the code and whether there is one.
func CarrierByCode(code string) (Carrier, bool) {
	for _, c := range carriers {
		if c.Code == code {
			return c, true
		}
	}
	return Carrier{}, false
}
